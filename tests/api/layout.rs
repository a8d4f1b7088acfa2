//! What every page's frame offers: a skip link first, the menu marking the
//! page shown, and the decimal keypad on amount and rate fields.

use xinyidai::domain::Role;

use crate::helpers::{PASSWORD, TestApp};

/// The hrefs of the menu entries marked as the current page.
fn current(body: &str) -> Vec<String> {
    body.split("<a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').filter(|(_, after)| after.starts_with(" aria-current=\"page\"")))
        .map(|(href, _)| href.to_string())
        .collect()
}

#[tokio::test]
async fn the_menu_marks_the_page_shown_and_a_skip_link_comes_first() {
    let app = TestApp::new();
    app.user(Role::Officer, "officer");
    let officer = app.client();
    officer.login("officer", PASSWORD).await;
    for (path, marked) in [
        ("/officer", "/officer"),
        ("/officer/hall", "/officer/hall"),
        ("/officer/hall/999999", "/officer/hall"),
        ("/officer/offers", "/officer/offers"),
        ("/account/password", "/account/password"),
    ] {
        let page = officer.get(path).await;
        assert_eq!(current(&page.body), [marked], "{path}");
        let body = page.body.split_once("<body>").unwrap().1.trim_start();
        assert!(body.starts_with("<a class=\"skip-link\" href=\"#main\">跳到正文</a>"), "{path}");
        assert!(page.body.contains("<main class=\"page\" id=\"main\""), "{path}");
    }
    let public = app.client().get("/products").await;
    assert_eq!(current(&public.body), ["/products"]);
}

#[tokio::test]
async fn amount_and_rate_fields_bring_up_the_decimal_keypad() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    app.user(Role::BankAdmin, "admin");
    let enterprise = app.client();
    enterprise.login("ent", PASSWORD).await;
    let admin = app.client();
    admin.login("admin", PASSWORD).await;
    for (client, path, fields) in [
        (&enterprise, "/enterprise/needs/new", &["amount", "max_rate"][..]),
        (&admin, "/bank-admin/products/new", &["amount_min", "amount_max", "rate_min", "rate_max"][..]),
    ] {
        let body = client.get(path).await.body;
        for name in fields {
            let input = body.split(&format!("<input id=\"{name}\"")).nth(1).unwrap_or_else(|| panic!("{path} {name}"));
            let input = input.split_once('>').unwrap().0;
            assert!(input.contains("inputmode=\"decimal\""), "{path} {name}: {input}");
        }
        assert!(!body.contains("type=\"password\" value=\"\" inputmode"), "{path}");
    }
}

/// The desktop menu is one line that never wraps (static/app.css): at 1280
/// px its entries must fit the 1,120 px page, every role's, or the last
/// ones scroll out of sight. Widths as the stylesheet draws them: 15 px a
/// Chinese character, about 8 px an ASCII one, 20 px of padding and a 2 px
/// gap per entry, the row 16 px wider than the page's content.
#[test]
fn every_roles_menu_fits_one_line_at_1280_px() {
    use xinyidai::web::Layout;
    let room = 1120.0 - 2.0 * 16.0 + 16.0;
    for role in [None, Some(Role::Enterprise), Some(Role::Officer), Some(Role::BankAdmin), Some(Role::CreditOffice)] {
        let layout = Layout {
            user_name: Some("x".into()),
            role,
            csrf: String::new(),
            demo: false,
            claiming: false,
            unread: 0,
            path: "/".into(),
        };
        let width: f64 = layout
            .menu()
            .iter()
            .map(|(_, label)| label.chars().map(|c| if c.is_ascii() { 8.0 } else { 15.0 }).sum::<f64>() + 22.0)
            .sum();
        assert!(width <= room, "{role:?}: the menu is {width} px wide, the line {room} px");
    }
}
