//! Starts the app on a loopback port with the demo city loaded, a chromedriver
//! in its own process group, and a headless Chromium session; stops them all
//! when the test ends, also on panic.

use std::net::TcpListener as StdListener;
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::json;
use thirtyfour::prelude::*;

use crate::common::{self, TestDb};

pub struct Browser {
    pub driver: WebDriver,
    base_url: String,
    chromedriver: Child,
    server: (tokio::task::JoinHandle<()>, tokio::task::JoinHandle<()>),
    _db: TestDb,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Browser {
    pub async fn start() -> Browser {
        let db = TestDb::new();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let state =
            common::state(&db, Arc::new(xinyidai::clock::SystemClock), xinyidai::email::Mailer::memory(), &base_url);
        let seed_state = state.clone();
        tokio::task::spawn_blocking(move || {
            xinyidai::seed::demo(
                &mut seed_state.db.get().unwrap(),
                seed_state.clock.now(),
                (&seed_state.config.base_url, &seed_state.config.data_dir),
            )
            .unwrap()
        })
        .await
        .unwrap();
        let worker = tokio::spawn(xinyidai::jobs::work_forever(state.clone()));
        let app = xinyidai::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        let server = (server, worker);

        let port = free_port();
        let chromedriver = {
            use std::os::unix::process::CommandExt;
            Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
                .arg(format!("--port={port}"))
                .process_group(0)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("chromedriver must be installed (apt-get install chromium chromium-driver)")
        };
        wait_for_port(port).await;

        let profile = tempfile::tempdir().unwrap();
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())).unwrap();
        for arg in [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,800",
            // With Debian's chromium-l10n (.ci/run installs it), file pickers and date fields speak Chinese.
            "--lang=zh-CN",
            "--accept-lang=zh-CN,zh",
        ] {
            caps.add_arg(arg).unwrap();
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display())).unwrap();
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await.expect("chromium session");
        driver.set_implicit_wait_timeout(Duration::from_secs(5)).await.unwrap();
        Browser { driver, base_url, chromedriver, server, _db: db, _profile: profile }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Saves full-page screenshots of the current page at 1280 px and 375 px.
    pub async fn screenshot(&self, name: &str) -> WebDriverResult<()> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let tools = self.driver.cdp();
        for (width, mobile) in [(1280, false), (375, true)] {
            let metrics = json!({ "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": mobile });
            tools.send_raw("Emulation.setDeviceMetricsOverride", metrics).await?;
            let shot = tools
                .send_raw("Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": true }))
                .await?;
            let png =
                base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().unwrap_or_default()).unwrap();
            std::fs::write(dir.join(format!("{name}-{width}.png")), png).unwrap();
        }
        tools.send_raw("Emulation.clearDeviceMetricsOverride", json!({})).await?;
        Ok(())
    }

    /// Signs in through the login form and waits for the next page.
    pub async fn login(&self, username: &str) -> WebDriverResult<()> {
        self.driver.goto(self.url("/login")).await?;
        self.driver.find(By::Id("login")).await?.send_keys(username).await?;
        self.driver.find(By::Id("password")).await?.send_keys(xinyidai::seed::DEMO_PASSWORD).await?;
        self.driver.find(By::Css("form.form button[type=submit]")).await?.click().await?;
        wait_until_left(&self.driver, "/login").await
    }

    /// Waits until the page's text contains `text` (pages that refresh themselves).
    pub async fn wait_for_text(&self, text: &str, seconds: u64) -> WebDriverResult<()> {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        while Instant::now() < deadline {
            if self.driver.source().await?.contains(text) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("the page never showed {text:?}");
    }

    pub async fn finish(self) -> WebDriverResult<()> {
        self.driver.clone().quit().await
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.server.0.abort();
        self.server.1.abort();
        // pkill -g names the group unambiguously (`kill -PGID` can be read as `kill -1`).
        let group = self.chromedriver.id();
        if group > 1 {
            let _ = Command::new("pkill").args(["-TERM", "-g", &group.to_string()]).status();
        }
        let _ = self.chromedriver.wait();
    }
}

async fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

/// Waits until the browser's path is no longer `path` (a form submitted and the next page loaded).
pub async fn wait_until_left(driver: &WebDriver, path: &str) -> WebDriverResult<()> {
    wait_for_page(driver, &format!("a page other than {path}"), |url_path, _| url_path != path).await
}

/// Waits until the browser has loaded a page whose query holds `pair` (e.g.
/// `amount=850`), as after a filter form that stays on the same path.
pub async fn wait_for_query(driver: &WebDriver, pair: &str) -> WebDriverResult<()> {
    wait_for_page(driver, &format!("a page with {pair}"), |_, query| query.is_some_and(|q| q.contains(pair))).await
}

async fn wait_for_page(
    driver: &WebDriver,
    what: &str,
    arrived: impl Fn(&str, Option<&str>) -> bool,
) -> WebDriverResult<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let url = driver.current_url().await?;
        let ready = driver.execute("return document.readyState", vec![]).await?;
        if arrived(url.path(), url.query()) && ready.json().as_str() == Some("complete") {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the browser never reached {what}");
}
