//! The command line: serve (default), migrate, seed demo, create-admin, worker.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use xinyidai::clock::SystemClock;
use xinyidai::config::{Config, LogFormat};
use xinyidai::db::{self, Db};
use xinyidai::email::Mailer;
use xinyidai::state::AppState;
use xinyidai::{jobs, seed};

#[derive(Parser)]
#[command(name = "xinyidai", about = "信易贷: credit-based SME financing marketplace")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate and serve the site (default); with --demo, load the demo city into an empty database first.
    Serve {
        /// Load the demo city (fictional enterprises and sixteen demo accounts
        /// sharing one public password) into an empty database. Never in production.
        #[arg(long, env = "XINYIDAI_DEMO")]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load a data set into the database.
    Seed {
        #[arg(value_parser = ["demo"])]
        set: String,
    },
    /// Create a credit-office administrator with a one-time password.
    CreateAdmin {
        /// Login name, also used as the email when --email is not given.
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long, default_value = "信用办管理员")]
        name: String,
    },
    /// Run background jobs only (for deployments that separate web and worker).
    Worker,
    /// Check the audit log's hash chain.
    VerifyAudit,
    /// Import a department file (any size) and recompute the touched evaluations.
    Import {
        /// registry, tax, utilities, property, social_security, penalties or honours
        kind: String,
        file: std::path::PathBuf,
        /// The delivering department (default: the usual one for the kind).
        #[arg(long)]
        department: Option<String>,
        /// The date the data is as of, YYYY-MM-DD (default: today).
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
    },
    /// Recompute every enterprise's credit evaluation (after a model change).
    Recompute,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("xinyidai: {error}");
            return ExitCode::from(2);
        }
    };
    init_tracing(config.log_format);
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve { demo: demo_from_env() }), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xinyidai: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let db = Db::connect(&config)?;
    let state = AppState {
        mailer: Mailer::from_config(&config)?,
        db: db.clone(),
        clock: Arc::new(SystemClock),
        config: Arc::new(config),
    };
    let blocking = |work: fn(&AppState) -> anyhow::Result<()>| {
        let state = state.clone();
        tokio::task::spawn_blocking(move || work(&state))
    };
    match command {
        Command::Migrate => blocking(|s| db::migrate(&mut *s.db.get()?)).await??,
        Command::Seed { .. } => {
            blocking(|s| {
                let mut conn = s.db.get()?;
                db::migrate(&mut conn)?;
                seed::demo(&mut conn, s.clock.now(), (&s.config.base_url, &s.config.data_dir))
            })
            .await??;
        }
        Command::CreateAdmin { username, email, name } => {
            let state = state.clone();
            let password = tokio::task::spawn_blocking(move || {
                let mut conn = state.db.get()?;
                db::migrate(&mut conn)?;
                seed::create_admin(&mut conn, &username, email.as_deref(), &name, state.clock.now())
            })
            .await??;
            println!("一次性密码 (one-time password, must be changed at first login): {password}");
        }
        Command::Worker => {
            blocking(|s| db::migrate(&mut *s.db.get()?)).await??;
            tokio::select! {
                _ = jobs::work_forever(state.clone()) => {}
                _ = shutdown_signal() => {}
            }
        }
        Command::VerifyAudit => {
            let rows = blocking(|s| {
                let rows = xinyidai::models::audit::verify(&mut *s.db.get()?)?;
                match rows {
                    Ok(count) => println!("audit log intact: {count} entries"),
                    Err(id) => anyhow::bail!("audit log broken at entry {id}"),
                }
                Ok(())
            });
            rows.await??;
        }
        Command::Import { kind, file, department, as_of } => {
            let state = state.clone();
            tokio::task::spawn_blocking(move || import_file(&state, &kind, &file, department, as_of)).await??;
        }
        Command::Recompute => {
            let count = blocking(|s| {
                let count = xinyidai::credit::recompute_all(&s.db, s.clock.as_ref())?;
                println!("recomputed {count} evaluations");
                Ok(())
            });
            count.await??;
        }
        Command::Serve { demo } => serve(state, demo).await?,
    }
    Ok(())
}

/// Stores the file as an import batch and runs it here, printing the outcome.
fn import_file(
    state: &AppState,
    kind: &str,
    path: &std::path::Path,
    department: Option<String>,
    as_of: Option<chrono::NaiveDate>,
) -> anyhow::Result<()> {
    use xinyidai::db::write_tx;
    use xinyidai::models::import_batch::{ImportBatch, NewBatch};
    let kind = xinyidai::domain::records::RecordKind::parse(kind).ok_or_else(|| {
        anyhow::anyhow!(
            "unknown kind {kind:?}: registry, tax, utilities, property, social_security, penalties or honours"
        )
    })?;
    let file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    let mut conn = state.db.get_streaming()?;
    db::migrate(&mut conn)?;
    let now = state.clock.now();
    let department = department.unwrap_or_else(|| kind.default_department().to_string());
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let new = NewBatch {
        kind,
        department: &department,
        as_of: as_of.unwrap_or_else(|| xinyidai::clock::beijing(now).date_naive()),
        file_name: &file_name,
        uploaded_by: None,
    };
    let id = ImportBatch::begin(&mut conn, &new, now)?;
    let bytes = ImportBatch::store_file(&mut conn, id, std::io::BufReader::new(file), state.clock.as_ref())?;
    // The job is a stand-in: should this process die, a worker resumes the batch.
    write_tx(&mut conn, |c| xinyidai::jobs::import::enqueue_standby(c, id, bytes, state.clock.now()))?;
    let started = std::time::Instant::now();
    xinyidai::jobs::import::run(&state.db, state.clock.as_ref(), id)?;
    let batch = ImportBatch::find(&mut conn, id)?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "import #{id} {}: {} rows, {} changed, {} unchanged, {} rejected in {seconds:.1} s ({:.0} rows/s)",
        batch.status,
        batch.rows_total,
        batch.rows_changed,
        batch.rows_unchanged,
        batch.rows_rejected,
        batch.rows_total as f64 / seconds.max(0.001)
    );
    if let Some(error) = batch.error {
        anyhow::bail!("import failed: {error}");
    }
    Ok(())
}

/// A bare `xinyidai` serves like `xinyidai serve`, XINYIDAI_DEMO included.
fn demo_from_env() -> bool {
    std::env::var("XINYIDAI_DEMO").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false" | "no" | "off" | "n" | "f"))
}

async fn serve(state: AppState, demo: bool) -> anyhow::Result<()> {
    let (seeded, demo_site) = tokio::task::spawn_blocking({
        let state = state.clone();
        move || -> anyhow::Result<(bool, bool)> {
            let mut conn = state.db.get()?;
            db::migrate(&mut conn)?;
            let seeded =
                seed::on_start(&mut conn, demo, state.clock.now(), (&state.config.base_url, &state.config.data_dir))?;
            db::refresh_statistics(&mut conn)?;
            Ok((seeded, xinyidai::models::setting::is_demo(&mut conn)?))
        }
    })
    .await??;
    if state.config.run_worker {
        tokio::spawn(jobs::work_forever(state.clone()));
    }
    if demo_site {
        let loaded = if seeded { "Loaded the demo city" } else { "This database holds the demo city" };
        println!("{loaded}. Demo accounts (password {}):", seed::DEMO_PASSWORD);
        for (username, role) in seed::DEMO_ACCOUNTS {
            println!("  {username:<20} {role}");
        }
    } else if demo {
        println!("The database is not empty, so the demo city was not loaded.");
    } else {
        println!(
            "No demo data (start with --demo for the demo city); create the first administrator with `xinyidai create-admin`."
        );
    }
    let listener = tokio::net::TcpListener::bind(state.config.bind).await?;
    let config = state.config.clone();
    println!(
        "信易贷 is running at {} (database: {}, mail: {})",
        config.base_url,
        config.backend.name(),
        state.mailer.describe()
    );
    let app = xinyidai::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "xinyidai=info,tower_http=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
