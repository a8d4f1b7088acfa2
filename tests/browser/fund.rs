//! 风险补偿 in a real browser: a bank admin opens its claim returned for
//! materials, uploads the missing loss statement and submits it again; the
//! credit office approves it and pays it, each after its confirmation; the
//! bank admin then sees it paid with what it keeps.

use thirtyfour::prelude::*;

use crate::harness::{self, Browser};

/// A PNG's signature and header, all the dossier check reads (it types files by their bytes).
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";

async fn click(driver: &WebDriver, css: &str) -> WebDriverResult<()> {
    driver.find(By::Css(css)).await?.click().await
}

#[tokio::test]
async fn a_returned_claim_is_completed_approved_and_paid() -> WebDriverResult<()> {
    let browser = Browser::start().await;
    let driver = &browser.driver;
    browser.login("demo-bank-admin").await?;

    driver.goto(browser.url("/bank/claims")).await?;
    browser.screenshot("bank-claims").await?;
    let returned = "//tr[.//span[contains(@class,'badge') and normalize-space()='退回补充材料']]//a[contains(@href,'/bank/claims/')]";
    driver.find(By::XPath(returned)).await?.click().await?;
    harness::wait_until_left(driver, "/bank/claims").await?;
    let claim_path = driver.current_url().await?.path().to_string();
    let id = claim_path.rsplit('/').next().unwrap_or_default().to_string();
    browser.wait_for_text("损失说明及征信分类", 5).await?;
    browser.screenshot("bank-claim-returned").await?;

    // Submitting again before the loss statement is there is refused in words.
    click(driver, "#resubmit button[type=submit]").await?;
    browser.wait_for_text("申请材料不全", 10).await?;

    let scan = tempfile::Builder::new().suffix(".png").tempfile().unwrap();
    std::fs::write(scan.path(), PNG).unwrap();
    click(driver, "#kind option[value=loss_statement]").await?;
    driver.find(By::Id("file")).await?.send_keys(scan.path().to_string_lossy()).await?;
    click(driver, "#upload button[type=submit]").await?;
    harness::wait_for_query(driver, "notice=claim_file_added").await?;
    click(driver, "#resubmit button[type=submit]").await?;
    browser.wait_for_text("待审核", 10).await?;
    assert!(driver.find_all(By::Css("#resubmit")).await?.is_empty(), "a submitted claim offers no resubmission");
    driver.find(By::Css("form.logout button")).await?.click().await?;
    harness::wait_until_left(driver, &claim_path).await?;

    browser.login("demo-credit-office").await?;
    driver.goto(browser.url("/credit-office/fund-claims?status=submitted")).await?;
    browser.screenshot("office-claims").await?;
    click(driver, &format!("a[href='/credit-office/fund-claims/{id}']")).await?;
    harness::wait_until_left(driver, "/credit-office/fund-claims").await?;
    browser.screenshot("office-claim").await?;
    click(driver, "#decision input[value=approve]").await?;
    click(driver, "#decision button[type=submit]").await?;
    browser.wait_for_text("批准补偿", 10).await?;
    let confirm = driver.find(By::Css("main")).await?.text().await?;
    assert!(
        confirm.contains("批准补偿") && confirm.contains("年度预算"),
        "the confirmation says what follows: {confirm}"
    );
    browser.screenshot("office-claim-confirm").await?;
    click(driver, "form.confirm-actions button.button:not(.secondary)").await?;
    harness::wait_for_query(driver, "notice=decided").await?;
    click(driver, "#pay button[type=submit]").await?;
    click(driver, "form.confirm-actions button.button:not(.secondary)").await?;
    harness::wait_for_query(driver, "notice=paid").await?;
    browser.wait_for_text("已拨付", 5).await?;
    driver.find(By::Css("form.logout button")).await?.click().await?;
    harness::wait_until_left(driver, &format!("/credit-office/fund-claims/{id}")).await?;

    browser.login("demo-bank-admin").await?;
    driver.goto(browser.url(&claim_path)).await?;
    browser.wait_for_text("已拨付", 5).await?;
    driver.find(By::Css("#recovery")).await?;
    browser.screenshot("bank-claim-paid").await?;
    browser.finish().await
}
