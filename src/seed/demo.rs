//! The demo city 云海市: six districts, about 200 enterprises across industries,
//! five institutions with branches and officers, the sixteen demo accounts,
//! and their loans, the risk compensation fund with its claims, and 贴息.
//! Generated from a fixed seed, so every start shows the same city.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use std::path::Path;

use crate::auth::password;
use crate::db::{DbConn, write_tx};
use crate::domain::{Role, Uscc};
use crate::models::contact::{EnterpriseContact, OfficerContact};
use crate::models::enterprise::{Enterprise, NewEnterprise};
use crate::models::institution::{Branch, Institution};
use crate::models::region::Region;
use crate::models::user::{NewUser, User};
use crate::schema::{enterprises, regions};

/// Demo only: every demo account has this password. Never load the demo set in production.
pub const DEMO_PASSWORD: &str = "xinyidai-demo";

/// Every account the demo creates (the README lists the same), with its role.
pub const DEMO_ACCOUNTS: [(&str, &str); 16] = [
    ("demo-enterprise", "企业用户 (云海晨光精密机械有限公司)"),
    ("demo-credit-office", "信用办"),
    ("demo-bank-admin", "机构管理员 (云海银行)"),
    ("demo-officer", "客户经理 (云海银行 高新支行)"),
    ("yhbank-officer2", "客户经理 (云海银行 南港支行)"),
    ("yhbank-officer3", "客户经理 (云海银行 营业部)"),
    ("yhrcb-admin", "机构管理员 (云海农村商业银行)"),
    ("yhrcb-officer1", "客户经理 (云海农村商业银行 西山支行)"),
    ("yhrcb-officer2", "客户经理 (云海农村商业银行 云海县支行)"),
    ("dybank-admin", "机构管理员 (东岳银行云海分行)"),
    ("dybank-officer1", "客户经理 (东岳银行云海分行 营业部)"),
    ("dybank-officer2", "客户经理 (东岳银行云海分行 北岭支行)"),
    ("dxloan-admin", "机构管理员 (云海鼎信小额贷款有限公司)"),
    ("dxloan-officer1", "客户经理 (云海鼎信小额贷款有限公司)"),
    ("atguar-admin", "机构管理员 (云海安泰融资担保有限公司)"),
    ("atguar-officer1", "客户经理 (云海安泰融资担保有限公司)"),
];

const REGIONS: [(&str, &str); 6] = [
    ("990102", "东湖区"),
    ("990103", "西山区"),
    ("990104", "南港区"),
    ("990105", "北岭区"),
    ("990106", "高新区"),
    ("990121", "云海县"),
];

const PREFIXES: [&str; 24] = [
    "晨光", "海澜", "东方", "恒信", "瑞丰", "华泰", "嘉禾", "鼎盛", "远航", "金桥", "绿源", "天成", "宏达", "安澜",
    "博远", "汇通", "永信", "星河", "青松", "明德", "润泽", "启航", "同心", "云帆",
];

const TRADES: [(&str, &[&str]); 10] = [
    ("C", &["精密机械", "电子科技", "食品", "纺织", "新材料", "包装制品", "五金制造"]),
    ("F", &["商贸", "贸易", "百货", "医药连锁"]),
    ("I", &["软件", "信息技术", "网络科技", "数据服务"]),
    ("E", &["建设工程", "建筑装饰", "市政工程"]),
    ("G", &["物流", "运输", "冷链仓储"]),
    ("H", &["餐饮管理", "酒店管理"]),
    ("A", &["农业开发", "生态农业", "水产养殖"]),
    ("M", &["检测技术", "生物科技", "环保科技"]),
    ("L", &["商务咨询", "企业管理", "广告传媒"]),
    ("O", &["家政服务", "汽车维修"]),
];

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "高",
];
const GIVEN: [&str; 20] = [
    "建国", "晓明", "海燕", "志强", "丽娟", "国华", "文博", "婷婷", "俊杰", "秀英", "伟", "静", "磊", "敏", "军", "洋",
    "勇", "艳", "杰", "涛",
];

struct DemoInstitution {
    name: &'static str,
    kind: &'static str,
    branches: &'static [(&'static str, &'static str)],
    officers: &'static [(&'static str, &'static str, usize)],
}

const INSTITUTIONS: [DemoInstitution; 5] = [
    DemoInstitution {
        name: "云海银行",
        kind: "bank",
        branches: &[("高新支行", "990106"), ("南港支行", "990104")],
        officers: &[("demo-officer", "周晓明", 1), ("yhbank-officer2", "吴海燕", 2), ("yhbank-officer3", "郑文博", 0)],
    },
    DemoInstitution {
        name: "云海农村商业银行",
        kind: "rural_credit",
        branches: &[("西山支行", "990103"), ("云海县支行", "990121")],
        officers: &[("yhrcb-officer1", "孙志强", 1), ("yhrcb-officer2", "马丽娟", 2)],
    },
    DemoInstitution {
        name: "东岳银行云海分行",
        kind: "bank",
        branches: &[("北岭支行", "990105")],
        officers: &[("dybank-officer1", "林国华", 0), ("dybank-officer2", "高婷婷", 1)],
    },
    DemoInstitution {
        name: "云海鼎信小额贷款有限公司",
        kind: "microlender",
        branches: &[],
        officers: &[("dxloan-officer1", "何俊杰", 0)],
    },
    DemoInstitution {
        name: "云海安泰融资担保有限公司",
        kind: "guarantor",
        branches: &[],
        officers: &[("atguar-officer1", "罗秀英", 0)],
    },
];

/// A valid USCC for a fictional enterprise or institution.
fn demo_uscc(rng: &mut StdRng, prefix: &str, region: &str) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let body: String = (0..9).map(|_| CHARS[rng.random_range(0..CHARS.len())] as char).collect();
    Uscc::with_check_character(&format!("{prefix}{region}{body}")).expect("valid characters").to_string()
}

/// Loads the demo city; its emails link to `base_url`, its claims' dossier
/// files are stored under `data_dir`.
pub fn demo(conn: &mut DbConn, now: NaiveDateTime, (base_url, data_dir): (&str, &Path)) -> anyhow::Result<()> {
    let hash = password::hash(DEMO_PASSWORD)?;
    let mut rng = StdRng::seed_from_u64(20261122);
    let demo_enterprise = write_tx(conn, |conn| {
        let known: Vec<String> = regions::table.select(regions::code).load(conn)?;
        for (code, name) in REGIONS.iter().filter(|(code, _)| !known.iter().any(|k| k == code)) {
            diesel::insert_into(regions::table)
                .values(Region { code: code.to_string(), name: name.to_string() })
                .execute(conn)?;
        }
        let demo_enterprise = insert_enterprises(conn, &mut rng, now)?;
        let account = |username: &'static str, name: &'static str, role: Role| NewUser {
            username,
            email: "",
            display_name: name,
            password_hash: &hash,
            role,
            enterprise_id: None,
            institution_id: None,
            branch_id: None,
            must_change_password: false,
            created_at: now,
        };
        let with_email = |user: NewUser<'_>, conn: &mut DbConn| -> QueryResult<i64> {
            let email = format!("{}@demo.xinyidai.local", user.username);
            User::insert(conn, &NewUser { email: &email, ..user })
        };
        let enterprise_account = with_email(
            NewUser {
                enterprise_id: Some(demo_enterprise),
                ..account("demo-enterprise", "云海晨光精密机械有限公司", Role::Enterprise)
            },
            conn,
        )?;
        // Demo only: the demo enterprise's account starts verified and in control.
        User::verify_email(conn, enterprise_account, now)?;
        let enterprise_account = User::find(conn, enterprise_account)?;
        User::prove_control(conn, &enterprise_account, "demo", now)?;
        // Whom a grabbing bank calls (a fictitious mobile).
        let contact = EnterpriseContact {
            person: "林晓晨".into(),
            mobile: "13900000001".into(),
            email: "finance@chenguang.demo.xinyidai.local".into(),
        };
        contact.set(conn, enterprise_account.id)?;
        crate::models::setting::set(conn, crate::models::setting::DEMO_DATA, "loaded")?;
        with_email(account("demo-credit-office", "信用办 陈静", Role::CreditOffice), conn)?;
        // The banks joined the platform before the loans the demo dates years back
        // (the national report lists an institution from the day it joined).
        let joined = now - chrono::Duration::days(3 * 365);
        for (i, demo) in INSTITUTIONS.iter().enumerate() {
            let uscc = demo_uscc(&mut rng, "91", REGIONS[i % REGIONS.len()].0);
            let (institution_id, head_branch) =
                Institution::create(conn, demo.name, demo.kind, &uscc, REGIONS[0].0, joined)?;
            let mut branch_ids = vec![head_branch];
            for (name, region) in demo.branches {
                branch_ids.push(Branch::create(conn, institution_id, name, region, now)?);
            }
            let (admin_username, admin_name) = if i == 0 {
                ("demo-bank-admin", "赵磊")
            } else {
                (["", "yhrcb-admin", "dybank-admin", "dxloan-admin", "atguar-admin"][i], "机构管理员")
            };
            with_email(
                NewUser {
                    institution_id: Some(institution_id),
                    ..account(admin_username, admin_name, Role::BankAdmin)
                },
                conn,
            )?;
            for (k, (username, name, branch)) in demo.officers.iter().enumerate() {
                let officer = with_email(
                    NewUser {
                        institution_id: Some(institution_id),
                        branch_id: Some(branch_ids[(*branch).min(branch_ids.len() - 1)]),
                        ..account(username, name, Role::Officer)
                    },
                    conn,
                )?;
                // The phone the enterprise sees beside the offer (a fictitious landline).
                OfficerContact::set(conn, officer, name, &format!("0871-65{i:02}{:04}", k + 1))?;
            }
        }
        super::products::add(conn, now)?;
        let usccs = super::records::add(conn, &mut super::records::rng(), now)?;
        let as_of = crate::clock::beijing(now).date_naive();
        for uscc in &usccs {
            crate::credit::recompute_one(conn, uscc, as_of, now)?;
        }
        Ok::<_, anyhow::Error>(demo_enterprise)
    })?;
    // Needs are made through the market's own transactions, one step at a time.
    super::needs::add(conn, &mut rng, demo_enterprise, now, base_url)?;
    // The fund first, so that the demo drawdowns are registered in it as they are recorded.
    let fund = super::fund::add(conn, now, base_url)?;
    // Loans on approvals of months ago, lived through the loans' own actions.
    let loans = super::loans::add(conn, &mut rng, demo_enterprise, now, base_url)?;
    // Claims on the fund in every state, for the loans written off.
    super::fund_claims::add(conn, (fund, &loans), now, (base_url, data_dir))?;
    // 贴息 on the interest those loans paid in the latest ended quarter.
    super::subsidy::add(conn, now, base_url)?;
    tracing::info!("demo city loaded");
    Ok(())
}

/// Inserts about 200 enterprises and returns the id of the demo enterprise (the first).
fn insert_enterprises(conn: &mut DbConn, rng: &mut StdRng, now: NaiveDateTime) -> QueryResult<i64> {
    let mut names = HashSet::new();
    let mut rows = vec![NewEnterprise {
        uscc: demo_uscc(rng, "91", "990106"),
        name: "云海晨光精密机械有限公司".into(),
        legal_representative: "李建国".into(),
        registered_capital_fen: 800 * 10_000 * 100,
        established_on: NaiveDate::from_ymd_opt(2012, 5, 18).expect("date"),
        region: "990106".into(),
        industry: "C".into(),
        size_class: "small".into(),
        address: "云海市高新区科创大道 88 号".into(),
        created_at: now,
        updated_at: now,
        ..NewEnterprise::default()
    }];
    names.insert(rows[0].name.clone());
    while rows.len() < 200 {
        let (industry, words) = TRADES[rng.random_range(0..TRADES.len())];
        let name = format!(
            "云海{}{}有限公司",
            PREFIXES[rng.random_range(0..PREFIXES.len())],
            words[rng.random_range(0..words.len())]
        );
        if !names.insert(name.clone()) {
            continue;
        }
        let (region, district) = REGIONS[rng.random_range(0..REGIONS.len())];
        let capital_wan: i64 = [50, 100, 200, 300, 500, 800, 1000, 2000, 5000][rng.random_range(0..9)];
        let size_class = match capital_wan {
            ..=200 => "micro",
            201..=1000 => "small",
            _ => "medium",
        };
        let year = rng.random_range(2005..=2024);
        let established =
            NaiveDate::from_ymd_opt(year, rng.random_range(1..=12), rng.random_range(1..=28)).expect("date");
        rows.push(NewEnterprise {
            uscc: demo_uscc(rng, "91", region),
            name,
            legal_representative: format!(
                "{}{}",
                SURNAMES[rng.random_range(0..SURNAMES.len())],
                GIVEN[rng.random_range(0..GIVEN.len())]
            ),
            registered_capital_fen: capital_wan * 10_000 * 100,
            established_on: established.with_year(year).unwrap_or(established),
            region: region.into(),
            industry: industry.into(),
            size_class: size_class.into(),
            address: format!(
                "云海市{district}{}路 {} 号",
                PREFIXES[rng.random_range(0..PREFIXES.len())],
                rng.random_range(1..300)
            ),
            created_at: now,
            updated_at: now,
            ..NewEnterprise::default()
        });
    }
    for (i, row) in rows.iter().enumerate() {
        let id: i64 =
            diesel::insert_into(enterprises::table).values(row).returning(enterprises::id).get_result(conn)?;
        // The registry's contact: an email for a third, a mobile only for a
        // third, none for the rest, so that every way of proving control can be tried.
        let (email, mobile) = match i % 3 {
            0 => (Some(format!("contact-{}@registry.demo.xinyidai.local", i + 1)), None),
            1 => (None, Some(format!("139{:08}", 20_261_122 + i))),
            _ => (None, None),
        };
        Enterprise::set_registry_contact(conn, id, email.as_deref(), mobile.as_deref())?;
    }
    enterprises::table.filter(enterprises::name.eq("云海晨光精密机械有限公司")).select(enterprises::id).first(conn)
}
