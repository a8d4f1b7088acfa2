//! User journeys in a real headless Chromium, driven through chromedriver,
//! against the app served on a loopback port over a fresh database.
//! Run with `cargo test --test browser` (needs chromium and chromium-driver).
//! Screenshots of every page visited land in target/screenshots/ at desktop and phone widths.

mod bulletins;
#[path = "../common/mod.rs"]
mod common;
mod fund;
mod harness;
mod market;

use harness::Browser;
use thirtyfour::prelude::*;

#[tokio::test]
async fn each_demo_user_logs_in_and_sees_the_dashboard_of_its_role() -> WebDriverResult<()> {
    let browser = Browser::start().await;
    let driver = &browser.driver;
    driver.goto(browser.url("/")).await?;
    browser.screenshot("home").await?;
    for (username, heading, name) in [
        ("demo-enterprise", "云海晨光精密机械有限公司", "enterprise"),
        ("demo-officer", "客户经理工作台", "officer"),
        ("demo-bank-admin", "云海银行", "bank-admin"),
        ("demo-credit-office", "信用办工作台", "credit-office"),
    ] {
        driver.goto(browser.url("/login")).await?;
        if username == "demo-enterprise" {
            browser.screenshot("login").await?;
        }
        driver.find(By::Id("login")).await?.send_keys(username).await?;
        driver.find(By::Id("password")).await?.send_keys(xinyidai::seed::DEMO_PASSWORD).await?;
        driver.find(By::Css("form.form button[type=submit]")).await?.click().await?;
        harness::wait_until_left(driver, "/login").await?;
        let title = driver.find(By::Css("h1")).await?.text().await?;
        assert_eq!(title, heading, "{username} lands on its dashboard");
        let role_tag = driver.find(By::Css(".role-tag")).await?.text().await?;
        assert!(!role_tag.is_empty());
        browser.screenshot(name).await?;
        let here = driver.current_url().await?.path().to_string();
        driver.find(By::Css("form.logout button")).await?.click().await?;
        harness::wait_until_left(driver, &here).await?;
        driver.find(By::Css(".hero")).await?;
    }
    browser.finish().await
}

#[tokio::test]
async fn registration_errors_show_beside_the_fields() -> WebDriverResult<()> {
    let browser = Browser::start().await;
    let driver = &browser.driver;
    driver.goto(browser.url("/register")).await?;
    driver.find(By::Id("uscc")).await?.send_keys("91990106ABCDEFGH12").await?;
    driver.find(By::Id("name")).await?.send_keys("云海晨光精密机械有限公司").await?;
    driver.find(By::Id("legal_representative")).await?.send_keys("李建国").await?;
    driver.find(By::Id("email")).await?.send_keys("finance@example.com").await?;
    driver.find(By::Id("password")).await?.send_keys("12345678").await?;
    driver.find(By::Id("password_confirm")).await?.send_keys("12345678").await?;
    driver.find(By::Css("form.form button[type=submit]")).await?.click().await?;
    let uscc_error = driver.find(By::Id("uscc-error")).await?.text().await?;
    assert!(uscc_error.contains("不是有效字符") || uscc_error.contains("校验位"), "{uscc_error}");
    let password_error = driver.find(By::Id("password-error")).await?.text().await?;
    assert!(password_error.contains("过于常见"));
    let kept = driver.find(By::Id("name")).await?.value().await?;
    assert_eq!(kept.as_deref(), Some("云海晨光精密机械有限公司"));
    browser.screenshot("register-errors").await?;
    browser.finish().await
}

#[tokio::test]
async fn the_credit_office_imports_a_file_and_reads_its_report() -> WebDriverResult<()> {
    let browser = Browser::start().await;
    let driver = &browser.driver;
    browser.login("demo-credit-office").await?;
    driver.goto(browser.url("/credit-office/imports")).await?;
    driver.find(By::Css("#kind option[value=social_security]")).await?.click().await?;
    driver.find(By::Id("department")).await?.send_keys("云海市人力资源和社会保障局").await?;
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/samples/social_security_with_errors.csv");
    driver.find(By::Id("file")).await?.send_keys(sample).await?;
    browser.screenshot("import-form").await?;
    driver.find(By::Css("form.form button[type=submit]")).await?.click().await?;
    harness::wait_until_left(driver, "/credit-office/imports").await?;
    browser.wait_for_text("被拒绝的行", 20).await?;
    let rows = driver.find_all(By::Css("td[data-label='行号']")).await?;
    let mut numbers = Vec::new();
    for row in rows {
        numbers.push(row.text().await?);
    }
    assert_eq!(numbers, ["4", "5", "6", "8"]);
    browser.screenshot("import-report").await?;
    browser.finish().await
}

#[tokio::test]
async fn the_enterprise_opens_its_portrait_and_disputes_an_item() -> WebDriverResult<()> {
    let browser = Browser::start().await;
    let driver = &browser.driver;
    browser.login("demo-enterprise").await?;
    driver.goto(browser.url("/enterprise/portrait")).await?;
    let score = driver.find(By::Css(".score")).await?.text().await?;
    assert!(score.parse::<u32>().unwrap() > 0);
    browser.screenshot("portrait").await?;
    driver.find(By::Css("a[href^='/enterprise/disputes/new?kind=penalties']")).await?.click().await?;
    driver.find(By::Id("reason")).await?.send_keys("该处罚已于当年整改完毕并缴清罚款").await?;
    browser.screenshot("dispute-form").await?;
    driver.find(By::Css("form.form button[type=submit]")).await?.click().await?;
    harness::wait_until_left(driver, "/enterprise/disputes/new").await?;
    let notice = driver.find(By::Css(".notice")).await?.text().await?;
    assert!(notice.contains("异议已提交"));
    let disputes = driver.find(By::Id("disputes")).await?.text().await?;
    assert!(disputes.contains("该处罚已于当年整改完毕"));
    assert!(disputes.contains("处理中"));
    browser.finish().await
}

#[tokio::test]
async fn a_bank_admin_publishes_a_product_that_a_visitor_finds_and_an_enterprise_qualifies_for() -> WebDriverResult<()>
{
    let browser = Browser::start().await;
    let driver = &browser.driver;
    browser.login("demo-bank-admin").await?;
    driver.goto(browser.url("/bank-admin/products/new")).await?;
    for (id, value) in [
        ("name", "云海银行浏览器测试贷"),
        ("amount_min", "20"),
        ("amount_max", "880"),
        ("term_min", "6"),
        ("term_max", "24"),
        ("rate_min", "3.15"),
        ("rate_max", "3.95"),
    ] {
        driver.find(By::Id(id)).await?.send_keys(value).await?;
    }
    driver.find(By::Css("input[name=programmes][value='首贷']")).await?.click().await?;
    browser.screenshot("product-form").await?;
    driver.find(By::Css("form.product-form button[type=submit]")).await?.click().await?;
    harness::wait_until_left(driver, "/bank-admin/products/new").await?;
    driver.find(By::XPath("//button[text()='发布产品']")).await?.click().await?;
    browser.wait_for_text("产品已发布", 10).await?;
    driver.find(By::Css("form.logout button")).await?.click().await?;
    driver.find(By::Css(".hero")).await?;

    // A visitor filters the catalogue down to it.
    driver.goto(browser.url("/products")).await?;
    driver.find(By::Id("amount")).await?.send_keys("850").await?;
    driver.find(By::Id("term")).await?.send_keys("6").await?;
    driver.find(By::Css("#programme option[value='首贷']")).await?.click().await?;
    driver.find(By::Css("form.catalogue-filters button[type=submit]")).await?.click().await?;
    harness::wait_for_query(driver, "amount=850").await?;
    let names = driver.find_all(By::Css(".product-card h2")).await?;
    assert_eq!(names.len(), 1, "850 万元 for 6 months with 首贷 leaves only the new product");
    browser.screenshot("catalogue").await?;

    // The demo enterprise sees whether it qualifies.
    browser.login("demo-enterprise").await?;
    driver.goto(browser.url("/products?sort=rate")).await?;
    browser.wait_for_text("您符合申请条件", 10).await?;
    driver.find(By::XPath("//a[text()='云海银行浏览器测试贷']")).await?.click().await?;
    browser.wait_for_text("我能申请吗", 10).await?;
    let verdict = driver.find(By::Css(".eligible, .ineligible")).await?;
    let (class, text) = (verdict.attr("class").await?.unwrap_or_default(), verdict.text().await?);
    assert_eq!(class, "eligible", "{text}");
    assert!(text.contains("您符合该产品的申请条件") && !text.contains("不符合"), "{text}");
    browser.screenshot("product").await?;
    driver.goto(browser.url("/enterprise/estimate")).await?;
    browser.wait_for_text("可以申请", 10).await?;
    browser.screenshot("estimate").await?;
    browser.finish().await
}
