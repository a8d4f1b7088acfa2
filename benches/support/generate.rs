//! Department files for the benchmark, written row by row to disk (never held
//! in memory): a registry and a utilities file over the same enterprises.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use xinyidai::domain::Uscc;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Months of utility bills per enterprise.
pub const MONTHS: usize = 36;
/// One row in this many is broken (a few hundred per million).
const BAD_EVERY: usize = 3000;

/// The USCC of enterprise number `n`: a fixed region and legal form, `n` in base 31.
pub fn uscc(n: usize) -> String {
    let mut digits = [b'0'; 7];
    let mut rest = n;
    for d in digits.iter_mut().rev() {
        *d = ALPHABET[rest % 31];
        rest /= 31;
    }
    let first17 = format!("91990101MA{}", std::str::from_utf8(&digits).unwrap());
    Uscc::with_check_character(&first17).expect("valid characters").as_str().to_string()
}

/// The first day of the month `back` months before `last`.
pub fn month_before(last: NaiveDate, back: usize) -> NaiveDate {
    let index = last.year() as usize * 12 + last.month0() as usize - back;
    NaiveDate::from_ymd_opt((index / 12) as i32, (index % 12) as u32 + 1, 1).unwrap()
}

/// The registry file of enterprises `0..count`.
pub fn registry_csv(path: &Path, count: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    writeln!(out, "统一社会信用代码,企业名称,法定代表人,注册资本,成立日期,行政区划,行业,企业规模,住所")?;
    for n in 0..count {
        let size = ["微型", "小型", "中型"][n % 3];
        let industry = ["C", "F", "I", "M"][n % 4];
        let established = NaiveDate::from_ymd_opt(2005 + (n % 18) as i32, 1 + (n % 12) as u32, 1 + (n % 28) as u32);
        writeln!(
            out,
            "{},云海基准{n}号有限公司,张{n},\"{},000\",{},990101,{industry},{size},云海市高新区 {n} 号",
            uscc(n),
            100 + n % 900,
            established.unwrap(),
        )?;
    }
    out.flush()
}

/// A utilities file of `rows` rows: `rows / 36` enterprises, month by month
/// (the newest month being `last`), electricity, water and gas in turn, with
/// one broken row in every 3,000. Returns (enterprises, broken rows).
pub fn utilities_csv(path: &Path, rows: usize, last: NaiveDate) -> std::io::Result<(usize, usize)> {
    let enterprises = rows.div_ceil(MONTHS).max(1);
    let mut out = BufWriter::new(File::create(path)?);
    let mut bad = 0;
    writeln!(out, "统一社会信用代码,月份,类型,用量,应缴金额（元）,欠费金额（元）")?;
    for i in 0..rows {
        let (n, back) = (i % enterprises, i / enterprises);
        let mut code = uscc(n);
        let mut month = month_before(last, back).format("%Y-%m").to_string();
        let mut kind = ["电", "水", "气"][(n + back) % 3];
        let usage = (n * 37 + back * 11) % 50_000;
        let mut billed = format!("\"{},{:03}.{:02}\"", usage / 1000 + 1, usage % 1000, n % 100);
        let arrears = if n % 17 == 0 && back < 2 { "350.00" } else { "0" };
        if i % BAD_EVERY == BAD_EVERY / 2 {
            bad += 1;
            match (i / BAD_EVERY) % 4 {
                0 => code.replace_range(17.., if code.ends_with('0') { "1" } else { "0" }),
                1 => billed = "-5".into(),
                2 => kind = "暖气",
                _ => month = format!("{}-01", last.year() + 1),
            }
        }
        writeln!(out, "{code},{month},{kind},{usage}.5,{billed},{arrears}")?;
    }
    out.flush()?;
    Ok((enterprises, bad))
}
