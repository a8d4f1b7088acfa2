//! The registry's rows are the enterprises' own: a row seen again updates the
//! enterprise it names, keeping when it was first recorded and the contact a
//! file without one does not mention.

use chrono::{Duration, NaiveDate};
use xinyidai::domain::records::{Record, RegistryRecord};
use xinyidai::domain::{Money, Uscc};
use xinyidai::models::credit_record::{Change, Provenance, store};
use xinyidai::models::enterprise::Enterprise;

use crate::helpers::{TestApp, start};

#[tokio::test]
async fn a_registry_row_seen_again_updates_its_enterprise_and_keeps_its_first_record_and_contact() {
    let app = TestApp::new();
    let (uscc, id) = app.enterprise_on_record("云海旧名有限公司", "张三");
    let conn = &mut *app.conn();
    Enterprise::set_registry_contact(conn, id, Some("finance@old.example"), None).unwrap();
    let record = Record::Registry(RegistryRecord {
        uscc: Uscc::parse(&uscc).unwrap(),
        name: "云海新名有限公司".into(),
        legal_representative: "张三".into(),
        registered_capital: Money::from_yuan(5_000_000),
        established_on: NaiveDate::from_ymd_opt(2015, 3, 1).unwrap(),
        region: "990102".into(),
        industry: "C".into(),
        size_class: "small".into(),
        address: "云海市东湖区测试路 1 号".into(),
        contact_email: None,
        contact_mobile: None,
    });
    let from = Provenance { department: "市场监督管理局".into(), as_of: start().date(), batch_id: 1 };
    let later = start() + Duration::days(1);
    assert_eq!(store(conn, &record, &from, later).unwrap(), Change::Updated);
    let stored = Enterprise::find(conn, id).unwrap();
    assert_eq!(stored.name, "云海新名有限公司");
    assert_eq!((stored.created_at, stored.updated_at), (start(), later));
    assert_eq!(stored.contact_email.as_deref(), Some("finance@old.example"));
    assert_eq!((stored.department.as_deref(), stored.batch_id), (Some("市场监督管理局"), Some(1)));

    // Without the contact the file does not carry, the stored row is the file's row.
    Enterprise::set_registry_contact(conn, id, None, None).unwrap();
    let again = Provenance { batch_id: 2, ..from };
    assert_eq!(store(conn, &record, &again, later + Duration::days(1)).unwrap(), Change::Unchanged);
    let kept = Enterprise::find(conn, id).unwrap();
    assert_eq!((kept.updated_at, kept.batch_id), (later, Some(1)), "an identical row keeps its batch and time");
}
