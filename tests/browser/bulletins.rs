//! 统计公报 in a real browser: the credit office filters the statistics
//! dashboard and downloads one of its tables, composes a
//! bulletin, previews and publishes it; a visitor reads it on /bulletins and
//! downloads its CSV (one BOM, the open-data header).

use thirtyfour::prelude::*;

use crate::harness::{self, Browser};

/// Fetches `href` from the page as the browser would and returns its bytes.
async fn fetch_bytes(browser: &Browser, href: &str) -> WebDriverResult<Vec<u8>> {
    let script = "const done = arguments[arguments.length - 1];\
        fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.arrayBuffer())\
        .then(b => done(Array.from(new Uint8Array(b)))).catch(e => done(String(e)));";
    let answer = browser.driver.execute_async(script, vec![serde_json::json!(href)]).await?;
    let bytes = answer.json().as_array().unwrap_or_else(|| panic!("fetching {href}: {}", answer.json())).clone();
    Ok(bytes.iter().map(|b| b.as_u64().unwrap_or_default() as u8).collect())
}

#[tokio::test]
async fn the_credit_office_publishes_a_bulletin_that_a_visitor_reads_and_downloads() -> WebDriverResult<()> {
    let browser = Browser::start().await;
    let driver = &browser.driver;
    browser.login("demo-credit-office").await?;

    // The dashboard: the year 2026 under the first bank, then one table's CSV under that filter.
    driver.goto(browser.url("/credit-office/statistics")).await?;
    browser.screenshot("statistics").await?;
    driver.find(By::Id("kind-year")).await?.click().await?;
    driver.find(By::Css("#year option[value='2026']")).await?.click().await?;
    let bank = driver.find(By::Css("#institution option:nth-child(2)")).await?;
    let bank_name = bank.text().await?;
    bank.click().await?;
    driver.find(By::Css("form.stats-form button[type=submit]")).await?.click().await?;
    browser.wait_for_text("2026年", 10).await?;
    let about = driver.find(By::Css(".stats-about")).await?.text().await?;
    assert!(about.contains(&bank_name), "the filter is named in words: {about}");
    assert!(driver.current_url().await?.query().unwrap_or_default().contains("kind=year"));
    browser.screenshot("statistics-filtered").await?;
    let link = driver.find(By::Css("a[href*='/credit-office/statistics/by_industry.csv']")).await?;
    let href = link.attr("href").await?.unwrap_or_default();
    assert!(href.contains("institution="), "the download keeps the filter: {href}");
    let bytes = fetch_bytes(&browser, &href).await?;
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "{href} starts with the BOM");
    assert!(String::from_utf8_lossy(&bytes).contains("制造业"), "the table's rows are in the file");

    driver.goto(browser.url("/credit-office/bulletins")).await?;
    browser.screenshot("office-bulletins").await?;
    driver.find(By::Css("a[href='/credit-office/bulletins/new']")).await?.click().await?;
    harness::wait_until_left(driver, "/credit-office/bulletins").await?;
    let period = driver.find(By::Css("#period option[selected]")).await?.value().await?.unwrap_or_default();
    let title = driver.find(By::Id("title")).await?.value().await?.unwrap_or_default();
    assert!(title.ends_with("信易贷平台融资统计公报"), "{title}");
    driver.find(By::Id("commentary")).await?.send_keys("本期放款保持平稳，信用贷款占比继续提高。").await?;
    browser.screenshot("bulletin-new").await?;
    driver.find(By::Css("form.form button[type=submit]")).await?.click().await?;
    harness::wait_until_left(driver, "/credit-office/bulletins/new").await?;
    browser.wait_for_text("草稿已保存", 10).await?;
    browser.wait_for_text("预览：按当前数据计算", 10).await?;
    browser.screenshot("bulletin-draft").await?;

    driver.find(By::Css("a[href$='/publish']")).await?.click().await?;
    browser.wait_for_text("确认发布公报", 10).await?;
    browser.screenshot("bulletin-confirm").await?;
    driver.find(By::Css(".confirm-actions button[type=submit]")).await?.click().await?;
    browser.wait_for_text("公报已发布", 10).await?;
    browser.screenshot("bulletin-published").await?;
    driver.find(By::Css("form.logout button")).await?.click().await?;
    driver.find(By::Css(".hero")).await?;

    // A visitor reads it and downloads its CSV.
    driver.goto(browser.url("/bulletins")).await?;
    browser.screenshot("bulletins").await?;
    driver.find(By::Css(format!("a[href='/bulletins/{period}']"))).await?.click().await?;
    harness::wait_until_left(driver, "/bulletins").await?;
    assert_eq!(driver.find(By::Css("h1")).await?.text().await?, title);
    browser.wait_for_text("本期放款保持平稳", 10).await?;
    browser.screenshot("bulletin").await?;
    let href = driver.find(By::Css(format!("a[href='/bulletins/{period}.csv']"))).await?.attr("href").await?;
    let bytes = fetch_bytes(&browser, &href.unwrap_or_default()).await?;
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "one BOM first");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("period,section,table,row_code,row,key,name,unit,window,value\n"), "{text}");
    assert!(text.contains(&format!("\n{period},national,,,,loan_amount,放款金额,万元,period,")));
    browser.finish().await
}
