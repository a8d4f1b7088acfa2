//! The hall data set, inserted directly (multi-row inserts in one
//! transaction): regions, enterprises with credit grades, open needs with the
//! offers that took their slots, and institutions with a branch, an officer
//! and one to three published products each. Every value is a deterministic
//! function of the row's number, so two runs see the same market.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use xinyidai::db::{Db, write_tx};
use xinyidai::domain::industry;
use xinyidai::domain::product::GUARANTEES;
use xinyidai::models::enterprise::NewEnterprise;
use xinyidai::models::need::MAX_OPEN;
use xinyidai::models::product::wrap;
use xinyidai::schema::{
    branches, credit_evaluations, enterprises, institutions, needs, offers, products, regions, users,
};

use super::ROWS_PER_INSERT;
use super::generate::uscc;

const REGIONS: [(&str, &str); 12] = [
    ("990101", "东湖区"),
    ("990102", "西山区"),
    ("990103", "南湾区"),
    ("990104", "北岭区"),
    ("990105", "高新区"),
    ("990106", "经开区"),
    ("990107", "临港区"),
    ("990108", "青溪县"),
    ("990109", "白石县"),
    ("990110", "枫林县"),
    ("990111", "柳河县"),
    ("990112", "石门县"),
];

/// Industries of the enterprises, manufacturing and trade the most common.
const INDUSTRIES: [&str; 20] =
    ["C", "C", "C", "C", "F", "F", "F", "I", "I", "M", "E", "G", "H", "L", "A", "K", "O", "R", "P", "Q"];

/// Amounts of needs, in 万元.
const AMOUNTS_WAN: [i64; 14] = [10, 20, 30, 50, 80, 100, 150, 200, 300, 500, 800, 1000, 1500, 2000];

const PURPOSES: [&str; 4] = ["采购原材料", "补充流动资金", "购置设备", "支付货款"];

/// Slots of every need.
pub const SLOTS: i32 = 3;

/// How big a market to build.
pub struct Sizes {
    pub needs: usize,
    pub institutions: usize,
}

/// One institution and the officer who works the hall for it.
#[derive(Clone, Copy, Debug)]
pub struct Bank {
    pub institution: i64,
    pub officer: i64,
}

/// What was stored.
pub struct Market {
    /// Enterprise ids in insertion order.
    pub enterprises: Vec<i64>,
    /// Banks in insertion order.
    pub banks: Vec<Bank>,
    pub evaluations: usize,
    pub needs: usize,
    pub offers: usize,
    pub products: usize,
}

/// A deterministic pseudo-random number in `0..m` for row `n` and purpose `salt` (splitmix64).
pub fn pick(n: usize, salt: u64, m: usize) -> usize {
    let mut z = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) % m as u64) as usize
}

fn wan(amount: i64) -> i64 {
    amount * 1_000_000
}

/// `count` consecutive items of `list` from a place chosen by `n`, as a stored list (",a,b,").
fn some_of(list: &[&str], n: usize, salt: u64, count: usize) -> String {
    let start = pick(n, salt, list.len());
    let items: Vec<String> = (0..count.min(list.len())).map(|i| list[(start + i) % list.len()].to_string()).collect();
    wrap(&items)
}

/// Builds the market at `now`: `sizes.needs` open needs of needs / 3
/// enterprises (three each at most, as an enterprise may have), a tenth of
/// them never graded, and `sizes.institutions` institutions.
pub fn seed(db: &Db, sizes: &Sizes, now: NaiveDateTime) -> anyhow::Result<Market> {
    anyhow::ensure!(sizes.institutions >= SLOTS as usize, "BENCH_INSTITUTIONS must be at least {SLOTS}");
    let enterprise_count = sizes.needs.div_ceil(MAX_OPEN as usize).max(1);
    let mut conn = db.get_streaming()?;
    write_tx(&mut conn, |c| -> anyhow::Result<Market> {
        let rows: Vec<_> =
            REGIONS.iter().map(|(code, name)| (regions::code.eq(*code), regions::name.eq(*name))).collect();
        insert_many!(c, regions::table, &rows)?;

        let mut evaluations = 0;
        for start in (0..enterprise_count).step_by(ROWS_PER_INSERT) {
            let range = start..(start + ROWS_PER_INSERT).min(enterprise_count);
            let rows: Vec<NewEnterprise> = range.clone().map(|n| enterprise(n, now)).collect();
            insert_many!(c, enterprises::table, &rows)?;
            let graded: Vec<_> = range.filter_map(|n| evaluation(n, now)).collect();
            evaluations += insert_many!(c, credit_evaluations::table, &graded)?;
        }
        let enterprise_ids: Vec<i64> = enterprises::table.order(enterprises::id).select(enterprises::id).load(c)?;

        let banks = institutions_with_officers(c, sizes.institutions, now)?;
        let mut first_product = Vec::with_capacity(banks.len());
        let mut product_count = 0;
        for (j, bank) in banks.iter().enumerate() {
            let rows: Vec<_> = (0..1 + pick(j, 10, 3)).map(|p| product(j * 3 + p, bank.institution, now)).collect();
            product_count += rows.len();
            insert_many!(c, products::table, &rows)?;
        }
        let product_ids: Vec<(i64, i64)> =
            products::table.order(products::id).select((products::institution_id, products::id)).load(c)?;
        for bank in &banks {
            let first = product_ids.iter().find(|(i, _)| *i == bank.institution).map(|(_, p)| *p);
            first_product.push(first.expect("every institution has a product"));
        }

        // Open needs; one in a hundred is for one institution's product only.
        let targeted = |i: usize| (pick(i, 27, 100) == 0).then(|| pick(i, 28, banks.len()));
        for start in (0..sizes.needs).step_by(ROWS_PER_INSERT) {
            let rows: Vec<_> = (start..(start + ROWS_PER_INSERT).min(sizes.needs))
                .map(|i| {
                    let target = targeted(i).map(|j| (banks[j].institution, first_product[j]));
                    need(i, enterprise_ids[i % enterprise_ids.len()], target, now)
                })
                .collect();
            insert_many!(c, needs::table, &rows)?;
        }

        // The offers behind the slots already taken, from distinct institutions.
        let need_ids: Vec<i64> = needs::table.order(needs::id).select(needs::id).load(c)?;
        let mut offer_count = 0;
        for start in (0..need_ids.len()).step_by(ROWS_PER_INSERT) {
            let rows: Vec<_> = (start..(start + ROWS_PER_INSERT).min(need_ids.len()))
                .flat_map(|i| {
                    let taken = if targeted(i).is_some() { 0 } else { slots_taken(i) };
                    let (first, need_id, banks) = (pick(i, 29, banks.len()), need_ids[i], &banks);
                    (0..taken).map(move |t| offer(need_id, banks[(first + t) % banks.len()], now))
                })
                .collect();
            offer_count += insert_many!(c, offers::table, &rows)?;
        }
        Ok(Market {
            enterprises: enterprise_ids,
            banks,
            evaluations,
            needs: need_ids.len(),
            offers: offer_count,
            products: product_count,
        })
    })
}

/// `count` needs of three slots, open for 72 hours from just before `now`, for
/// the grab benchmark; their enterprises get an account, so that each grab
/// emails one. The first `grabbers` banks get a product open to every
/// enterprise, so that the grab's fit lets each of them take any of these
/// needs. Returns their ids in order.
pub fn grab_needs(
    db: &Db,
    market: &Market,
    grabbers: usize,
    count: usize,
    now: NaiveDateTime,
) -> anyhow::Result<Vec<i64>> {
    let mut conn = db.get()?;
    write_tx(&mut conn, |c| -> anyhow::Result<Vec<i64>> {
        let open_to_all: Vec<ProductRow> = market.banks[..grabbers]
            .iter()
            .map(|bank| ProductRow {
                name: "基准通用贷".into(),
                regions: String::new(),
                industries: String::new(),
                min_grade: None,
                ..product(0, bank.institution, now)
            })
            .collect();
        insert_many!(c, products::table, &open_to_all)?;
        let owners = &market.enterprises[..count.min(market.enterprises.len())];
        let accounts: Vec<_> = owners
            .iter()
            .map(|id| {
                (
                    users::username.eq(format!("enterprise-{id}")),
                    users::email.eq(format!("enterprise-{id}@bench.example")),
                    users::display_name.eq(format!("企业用户{id}")),
                    users::password_hash.eq("!bench: no password"),
                    users::role.eq("enterprise"),
                    users::enterprise_id.eq(Some(*id)),
                    users::created_at.eq(now),
                )
            })
            .collect();
        for chunk in accounts.chunks(ROWS_PER_INSERT) {
            insert_many!(c, users::table, chunk)?;
        }
        let first: Option<i64> = needs::table.select(diesel::dsl::max(needs::id)).first(c)?;
        let published = now - Duration::minutes(1);
        let rows: Vec<_> = (0..count)
            .map(|k| {
                (
                    needs::enterprise_id.eq(owners[k % owners.len()]),
                    needs::amount_fen.eq(wan(200)),
                    needs::term_months.eq(12),
                    needs::purpose.eq("采购原材料"),
                    needs::guarantee.eq("credit"),
                    needs::max_rate.eq(45_000_i64),
                    needs::window_hours.eq(72),
                    needs::slots.eq(SLOTS),
                    needs::status.eq("open"),
                    needs::published_at.eq(Some(published)),
                    needs::deadline.eq(Some(published + Duration::hours(72))),
                    needs::created_at.eq(published),
                    needs::updated_at.eq(published),
                )
            })
            .collect();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            insert_many!(c, needs::table, chunk)?;
        }
        Ok(needs::table.filter(needs::id.gt(first.unwrap_or(0))).order(needs::id).select(needs::id).load(c)?)
    })
}

fn enterprise(n: usize, now: NaiveDateTime) -> NewEnterprise {
    NewEnterprise {
        uscc: uscc(n),
        name: format!("云海基准{n}号有限公司"),
        legal_representative: format!("张{n}"),
        registered_capital_fen: (1 + pick(n, 1, 500) as i64) * 1_000_000,
        established_on: NaiveDate::from_ymd_opt(2005 + pick(n, 2, 19) as i32, 3, 1).expect("valid date"),
        region: REGIONS[pick(n, 3, REGIONS.len())].0.into(),
        industry: INDUSTRIES[pick(n, 4, INDUSTRIES.len())].into(),
        size_class: ["micro", "micro", "small", "small", "medium"][pick(n, 5, 5)].into(),
        address: format!("云海市 {n} 号"),
        created_at: now - Duration::days(400),
        updated_at: now - Duration::days(400),
        ..NewEnterprise::default()
    }
}

#[derive(Insertable)]
#[diesel(table_name = credit_evaluations)]
struct EvaluationRow {
    uscc: String,
    model_version: &'static str,
    score: i32,
    grade: &'static str,
    risk_level: &'static str,
    dishonest: bool,
    factors: &'static str,
    computed_at: NaiveDateTime,
}

/// The credit evaluation of enterprise `n`: AAA 5 %, AA 15 %, A 30 %, B 30 %,
/// C 15 %, D 5 %; one enterprise in ten has none.
fn evaluation(n: usize, now: NaiveDateTime) -> Option<EvaluationRow> {
    if pick(n, 6, 10) == 0 {
        return None;
    }
    let (grade, score, risk_level) = match pick(n, 7, 100) {
        0..5 => ("AAA", 920, "low"),
        5..20 => ("AA", 840, "low"),
        20..50 => ("A", 760, "medium"),
        50..80 => ("B", 650, "medium"),
        80..95 => ("C", 520, "high"),
        _ => ("D", 300, "high"),
    };
    Some(EvaluationRow {
        uscc: uscc(n),
        model_version: "bench",
        score: score + pick(n, 8, 40) as i32,
        grade,
        risk_level,
        dishonest: false,
        factors: "[]",
        computed_at: now - Duration::days(1),
    })
}

/// Institutions with their first branch and one officer each.
fn institutions_with_officers(
    c: &mut xinyidai::db::DbConn,
    count: usize,
    now: NaiveDateTime,
) -> anyhow::Result<Vec<Bank>> {
    let since = now - Duration::days(400);
    for start in (0..count).step_by(ROWS_PER_INSERT) {
        let rows: Vec<_> = (start..(start + ROWS_PER_INSERT).min(count))
            .map(|j| {
                (
                    institutions::name.eq(format!("云海基准银行{j}")),
                    institutions::kind.eq(["bank", "bank", "rural_credit", "microlender"][j % 4]),
                    institutions::uscc.eq(uscc(50_000_000 + j)),
                    institutions::created_at.eq(since),
                )
            })
            .collect();
        insert_many!(c, institutions::table, &rows)?;
    }
    let ids: Vec<i64> = institutions::table.order(institutions::id).select(institutions::id).load(c)?;
    for chunk in ids.chunks(ROWS_PER_INSERT) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|id| {
                (
                    branches::institution_id.eq(*id),
                    branches::name.eq("营业部"),
                    branches::region.eq(REGIONS[*id as usize % REGIONS.len()].0),
                    branches::created_at.eq(since),
                )
            })
            .collect();
        insert_many!(c, branches::table, &rows)?;
    }
    let branch_of: Vec<(i64, i64)> =
        branches::table.order(branches::institution_id).select((branches::institution_id, branches::id)).load(c)?;
    for chunk in branch_of.chunks(ROWS_PER_INSERT) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(institution, branch)| {
                (
                    users::username.eq(format!("officer-{institution}")),
                    users::email.eq(format!("officer-{institution}@bench.example")),
                    users::display_name.eq(format!("客户经理{institution}")),
                    users::password_hash.eq("!bench: no password"),
                    users::role.eq("officer"),
                    users::institution_id.eq(Some(*institution)),
                    users::branch_id.eq(Some(*branch)),
                    users::created_at.eq(since),
                )
            })
            .collect();
        insert_many!(c, users::table, &rows)?;
    }
    let officers: Vec<(Option<i64>, i64)> = users::table
        .filter(users::role.eq("officer"))
        .order(users::institution_id)
        .select((users::institution_id, users::id))
        .load(c)?;
    Ok(officers
        .into_iter()
        .map(|(institution, officer)| Bank { institution: institution.expect("an officer's institution"), officer })
        .collect())
}

#[derive(Insertable)]
#[diesel(table_name = products)]
struct ProductRow {
    institution_id: i64,
    name: String,
    description: &'static str,
    amount_min_fen: i64,
    amount_max_fen: i64,
    term_min_months: i32,
    term_max_months: i32,
    rate_min: i64,
    rate_max: i64,
    guarantees: String,
    regions: String,
    industries: String,
    programmes: String,
    min_grade: Option<&'static str>,
    status: &'static str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    published_at: Option<NaiveDateTime>,
}

/// Product `k` of an institution: an amount range, and most products limited
/// to some regions, some industries or a minimum grade.
fn product(k: usize, institution_id: i64, now: NaiveDateTime) -> ProductRow {
    let region_codes: Vec<&str> = REGIONS.iter().map(|(code, _)| *code).collect();
    let sections: Vec<&str> = industry::SECTIONS.iter().map(|(code, _)| *code).collect();
    let regions = if pick(k, 13, 10) < 4 { String::new() } else { some_of(&region_codes, k, 14, 1 + pick(k, 15, 4)) };
    let industries = if pick(k, 16, 2) == 0 { String::new() } else { some_of(&sections, k, 17, 1 + pick(k, 18, 5)) };
    let min_grade = match pick(k, 19, 10) {
        0..3 => None,
        3..6 => Some("B"),
        6..9 => Some("A"),
        _ => Some("AA"),
    };
    let rate_min = 30_000 + 500 * pick(k, 20, 20) as i64;
    let since = now - Duration::days(30);
    ProductRow {
        institution_id,
        name: format!("基准贷{k}"),
        description: "基准测试产品",
        amount_min_fen: wan([10, 20, 50, 100][pick(k, 11, 4)]),
        amount_max_fen: wan([300, 500, 1000, 2000, 3000][pick(k, 12, 5)]),
        term_min_months: 1,
        term_max_months: 36,
        rate_min,
        rate_max: rate_min + 20_000,
        guarantees: wrap(&["credit".into(), "guarantee".into()]),
        regions,
        industries,
        programmes: if pick(k, 21, 3) == 0 { wrap(&["首贷".into()]) } else { String::new() },
        min_grade,
        status: "published",
        created_at: since,
        updated_at: since,
        published_at: Some(since),
    }
}

/// Slots already taken on hall need `i`: 0, 1 or 2 of three.
fn slots_taken(i: usize) -> usize {
    pick(i, 26, SLOTS as usize)
}

#[derive(Insertable)]
#[diesel(table_name = needs)]
struct NeedRow {
    enterprise_id: i64,
    amount_fen: i64,
    term_months: i32,
    purpose: &'static str,
    guarantee: &'static str,
    max_rate: i64,
    window_hours: i32,
    slots: i32,
    slots_taken: i32,
    product_id: Option<i64>,
    institution_id: Option<i64>,
    status: &'static str,
    published_at: Option<NaiveDateTime>,
    deadline: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Open need `i` of `enterprise`, published some time within its window, so
/// that its deadline lies between now and the end of the window; `target` is
/// the (institution, product) it is meant for, if any.
fn need(i: usize, enterprise_id: i64, target: Option<(i64, i64)>, now: NaiveDateTime) -> NeedRow {
    let window = [24, 72, 168][pick(i, 24, 3)];
    let published = now - Duration::minutes(pick(i, 25, window as usize * 60 - 1) as i64);
    NeedRow {
        enterprise_id,
        amount_fen: wan(AMOUNTS_WAN[pick(i, 20, AMOUNTS_WAN.len())]),
        term_months: [6, 12, 12, 24, 36][pick(i, 21, 5)],
        purpose: PURPOSES[pick(i, 22, PURPOSES.len())],
        guarantee: GUARANTEES[pick(i, 23, GUARANTEES.len())].0,
        max_rate: 40_000 + 500 * pick(i, 30, 61) as i64,
        window_hours: window,
        slots: SLOTS,
        slots_taken: if target.is_some() { 0 } else { slots_taken(i) as i32 },
        product_id: target.map(|(_, product)| product),
        institution_id: target.map(|(institution, _)| institution),
        status: "open",
        published_at: Some(published),
        deadline: Some(published + Duration::hours(window.into())),
        created_at: published,
        updated_at: published,
    }
}

#[derive(Insertable)]
#[diesel(table_name = offers)]
struct OfferRow {
    need_id: i64,
    institution_id: i64,
    officer_id: i64,
    amount_fen: i64,
    rate: i64,
    term_months: i32,
    guarantee: &'static str,
    conditions: &'static str,
    valid_until: NaiveDateTime,
    status: &'static str,
    contact_due: NaiveDateTime,
    created_at: NaiveDateTime,
}

/// An offer that took one slot of a hall need.
fn offer(need_id: i64, bank: Bank, now: NaiveDateTime) -> OfferRow {
    OfferRow {
        need_id,
        institution_id: bank.institution,
        officer_id: bank.officer,
        amount_fen: wan(100),
        rate: 38_500,
        term_months: 12,
        guarantee: "credit",
        conditions: "无",
        valid_until: now + Duration::days(14),
        status: "active",
        contact_due: now + Duration::days(2),
        created_at: now,
    }
}
