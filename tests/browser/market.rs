//! The heart of the market in a real browser: an enterprise publishes a need,
//! an officer grabs it from the hall, the enterprise accepts, the officer
//! approves and records the loan, a drawdown and a repayment, and the
//! enterprise reads the schedule and confirms the money arrived.

use thirtyfour::prelude::*;

use crate::harness::Browser;

async fn logout(browser: &Browser) -> WebDriverResult<()> {
    browser.driver.find(By::Css("form.logout button")).await?.click().await?;
    browser.driver.find(By::Css(".hero")).await?;
    Ok(())
}

/// Clicks and waits for the next page (its address, query included, differs).
async fn click(browser: &Browser, css: &str) -> WebDriverResult<()> {
    let before = browser.driver.current_url().await?.to_string();
    browser.driver.find(By::Css(css)).await?.click().await?;
    for _ in 0..200 {
        let ready = browser.driver.execute("return document.readyState", vec![]).await?;
        if browser.driver.current_url().await?.to_string() != before && ready.json().as_str() == Some("complete") {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("clicking {css} on {before} led nowhere");
}

/// Sets a field's value as typing would; date inputs take it directly, since
/// what keys a date picker expects depends on the browser's locale.
async fn fill(browser: &Browser, id: &str, value: &str) -> WebDriverResult<()> {
    let field = browser.driver.find(By::Id(id)).await?;
    if field.attr("type").await?.as_deref() == Some("date") {
        let script = "arguments[0].value = arguments[1];";
        browser.driver.execute(script, vec![field.to_json()?, serde_json::json!(value)]).await?;
        return Ok(());
    }
    field.clear().await?;
    field.send_keys(value).await
}

#[tokio::test]
async fn an_enterprise_publishes_an_officer_grabs_it_the_enterprise_accepts_and_the_officer_approves()
-> WebDriverResult<()> {
    let browser = Browser::start().await;
    let driver = &browser.driver;

    browser.login("demo-enterprise").await?;
    driver.goto(browser.url("/enterprise/needs/new")).await?;
    fill(&browser, "amount", "320").await?;
    fill(&browser, "term", "12").await?;
    fill(&browser, "purpose", "采购数控机床零部件").await?;
    fill(&browser, "max_rate", "5").await?;
    click(&browser, "form.form button[type=submit]").await?;
    browser.screenshot("need-confirm").await?;
    click(&browser, ".card form button.button").await?;
    let need_path = driver.current_url().await?.path().to_string();
    assert!(driver.find(By::Css(".notice")).await?.text().await?.contains("融资需求已发布"));
    browser.screenshot("need-published").await?;
    logout(&browser).await?;

    browser.login("demo-officer").await?;
    driver.goto(browser.url("/officer/hall?sort=newest")).await?;
    browser.screenshot("hall").await?;
    let need_id = need_path.trim_start_matches("/enterprise/needs/");
    click(&browser, &format!("a[href='/officer/hall/{need_id}']")).await?;
    browser.screenshot("grab-form").await?;
    fill(&browser, "rate", "4.2").await?;
    fill(&browser, "conditions", "需提供近一年纳税证明").await?;
    click(&browser, "form.form button[type=submit]").await?;
    browser.screenshot("grab-confirm").await?;
    click(&browser, ".confirm-actions button").await?;
    assert!(driver.find(By::Css(".notice")).await?.text().await?.contains("抢单成功"));
    assert!(driver.find(By::Css("h1")).await?.text().await?.contains("云海晨光精密机械有限公司"));
    click(&browser, "form[action$='/contact'] button").await?;
    browser.screenshot("offer-grabbed").await?;
    logout(&browser).await?;

    browser.login("demo-enterprise").await?;
    driver.goto(browser.url(&need_path)).await?;
    let offers = driver.find(By::Css(".offer-grid")).await?.text().await?;
    assert!(offers.contains("云海银行") && offers.contains("4.20%") && offers.contains("首期还款"), "{offers}");
    browser.screenshot("offers-compare").await?;
    click(&browser, ".offer-card a.button").await?;
    browser.screenshot("accept-confirm").await?;
    click(&browser, ".confirm-actions button").await?;
    assert!(driver.find(By::Css(".notice")).await?.text().await?.contains("已接受报价"));
    logout(&browser).await?;

    browser.login("demo-officer").await?;
    driver.goto(browser.url("/officer/offers")).await?;
    browser.screenshot("officer-offers").await?;
    driver.goto(browser.url("/officer/offers?all=1")).await?;
    click(&browser, "table.table tbody tr td a").await?;
    browser.screenshot("decision-form").await?;
    click(&browser, "form[action$='/decision/confirm'] button[value=approve]").await?;
    browser.screenshot("decision-confirm").await?;
    click(&browser, ".confirm-actions button").await?;
    assert!(driver.find(By::Css(".notice")).await?.text().await?.contains("授信决定已录入"));
    assert!(driver.source().await?.contains("已批准"));

    // The approval becomes a loan: the contract, a drawdown of 100 万元, a repayment.
    click(&browser, "a[href$='/loan']").await?;
    browser.screenshot("loan-form").await?;
    fill(&browser, "contract_no", "YH-JD-2026-0815").await?;
    click(&browser, "form.form button[type=submit]").await?;
    assert!(driver.find(By::Css(".notice")).await?.text().await?.contains("贷款合同已录入"));
    click(&browser, "a[href$='/drawdowns']").await?;
    fill(&browser, "iou_no", "JJ-0815-1").await?;
    fill(&browser, "amount", "100").await?;
    click(&browser, "form.form button[type=submit]").await?;
    assert!(driver.find(By::Css(".notice")).await?.text().await?.contains("放款已录入"));
    click(&browser, "a.button[href$='/repayments']").await?;
    browser.screenshot("repayment-form").await?;
    click(&browser, "form.form button[type=submit]").await?;
    assert!(driver.find(By::Css(".notice")).await?.text().await?.contains("还款已录入"));
    let loan_page = driver.find(By::Css("main")).await?.text().await?;
    assert!(loan_page.contains("JJ-0815-1") && loan_page.contains("YH-JD-2026-0815"), "{loan_page}");
    browser.screenshot("loan-page").await?;
    logout(&browser).await?;

    // The enterprise reads the schedule and confirms the money arrived.
    browser.login("demo-enterprise").await?;
    driver.goto(browser.url("/enterprise/loans")).await?;
    driver.find(By::XPath("//a[contains(., 'YH-JD-2026-0815')]")).await?.click().await?;
    driver.find(By::Css("table.schedule")).await?;
    let shown = driver.find(By::Css("main")).await?.text().await?;
    assert!(shown.contains("还款计划") && shown.contains("借据 JJ-0815-1") && shown.contains("待企业确认"), "{shown}");
    browser.screenshot("enterprise-loan").await?;
    click(&browser, "form[action$='/receipt'] button").await?;
    assert!(driver.find(By::Css(".notice")).await?.text().await?.contains("已确认到账"));
    assert!(driver.find(By::Css("main")).await?.text().await?.contains("企业已确认到账"));
    logout(&browser).await?;

    browser.login("demo-enterprise").await?;
    driver.goto(browser.url(&need_path)).await?;
    assert!(driver.find(By::Css("h1")).await?.text().await?.contains("已授信"));
    assert!(driver.find(By::Css(".done-card")).await?.text().await?.contains("云海银行已批准授信"));
    browser.screenshot("need-granted").await?;
    browser.finish().await
}

#[tokio::test]
async fn the_credit_office_watches_needs_and_keeps_the_holiday_calendar() -> WebDriverResult<()> {
    let browser = Browser::start().await;
    let driver = &browser.driver;
    browser.login("demo-credit-office").await?;
    driver.goto(browser.url("/credit-office/needs?show=overdue")).await?;
    let overdue = driver.find(By::Css("table.table tbody")).await?.text().await?;
    assert!(overdue.contains("决定超时") && overdue.contains("云海银行"), "{overdue}");
    browser.screenshot("office-needs").await?;
    driver.goto(browser.url("/credit-office/holidays")).await?;
    fill(&browser, "day", "2027-01-01").await?;
    fill(&browser, "name", "元旦").await?;
    click(&browser, "form[action='/credit-office/holidays'] button[type=submit]").await?;
    assert!(driver.find(By::Css(".notice")).await?.text().await?.contains("节假日设置已保存"));
    let added = driver.find(By::XPath("//td[@data-label='日期'][text()='2027-01-01']/..")).await?.text().await?;
    assert!(added.contains("元旦") && added.contains("放假"), "{added}");
    browser.screenshot("holidays").await?;
    browser.finish().await
}
