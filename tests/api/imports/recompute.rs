//! An import recomputes the evaluations of the enterprises it touched.

use diesel::prelude::*;
use xinyidai::schema::credit_evaluations;

use super::*;
use crate::helpers::TestApp;

#[tokio::test]
async fn evaluations_are_recomputed_for_the_enterprises_an_import_touched() {
    let app = TestApp::new();
    let (untouched, _) = app.enterprise_on_record("云海旁观者有限公司", "赵六");
    let browser = office(&app).await;
    browser.upload("registry", "市场监督管理局", "2024-12-31", "registry.csv", REGISTRY.as_bytes()).await;
    app.run_jobs().await;
    let evaluated: Vec<String> = credit_evaluations::table
        .select(credit_evaluations::uscc)
        .order(credit_evaluations::uscc)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(evaluated, vec!["91990102MA1HX00010", "91990103MA1HX0002H"]);
    assert!(!evaluated.contains(&untouched));

    let before: i32 = credit_evaluations::table
        .find("91990102MA1HX00010")
        .select(credit_evaluations::score)
        .first(&mut *app.conn())
        .unwrap();
    browser.upload("tax", "税务局", "2024-12-31", "tax.csv", &sample("tax_2024_utf8.csv")).await;
    app.run_jobs().await;
    let after: i32 = credit_evaluations::table
        .find("91990102MA1HX00010")
        .select(credit_evaluations::score)
        .first(&mut *app.conn())
        .unwrap();
    assert!(after > before, "an A tax grade raises the score ({before} -> {after})");
}
