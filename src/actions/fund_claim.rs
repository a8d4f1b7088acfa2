//! A bank's claims on a fund (补偿申请): submit the registered drawdowns
//! that meet the trigger with their losses (refused past the stop line),
//! add dossier files, submit again after a return, record a recovery after
//! payout. The credit office's review is in `review`.

pub mod review;

use std::path::Path;

use chrono::NaiveDate;
use diesel::result::{DatabaseErrorKind, Error};

use crate::actions::{Ctx, FieldRefusal, Outcome, Refusal, Stop, guarded, refuse};
use crate::clock::beijing;
use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::fund::claim::{MAX_FILE_BYTES, sniff};
use crate::domain::fund::{self, ClaimStatus, FileKind};
use crate::models::fund::claim::file::{self, ClaimFile};
use crate::models::fund::claim::{self as claims, Claim, Claimable, Event, Item};
use crate::models::fund::registration::Registration;
use crate::models::fund::{Fund, RuleVersion};

/// The kinds a claim must carry before it can be approved or submitted again.
pub const REQUIRED: [FileKind; 3] = [FileKind::Application, FileKind::Contract, FileKind::LossStatement];

/// The reason a recovery's event carries, which its history shows as such.
pub const RECOVERY: &str = "追回";

/// What a bank claims: a fund and, per registration, the principal lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub fund_id: i64,
    pub losses: Vec<(i64, i64)>,
}

/// An item as the preview shows it and the claim keeps it.
#[derive(Clone, Debug)]
pub struct Line {
    pub claimable: Claimable,
    pub loss_fen: i64,
    pub payout_fen: i64,
}

/// The stop-line state of a bank in a fund's year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StopLine {
    pub year: i32,
    pub registered_fen: i64,
    pub losses_fen: i64,
    pub line_bp: i32,
}

impl StopLine {
    pub fn passed(self) -> bool {
        fund::past_stop_line(self.losses_fen, self.registered_fen, self.line_bp)
    }

    /// "损失率 1.20%（停止线 3.00%）", or the words for nothing registered.
    pub fn text(self) -> String {
        match fund::loss_ratio_bp(self.losses_fen, self.registered_fen) {
            Some(bp) => format!(
                "本年度损失率 {}（停止线 {}）",
                fund::ratio_text(i32::try_from(bp).unwrap_or(i32::MAX)),
                fund::ratio_text(self.line_bp)
            ),
            None => format!("本年度尚无入库本金（停止线 {}）", fund::ratio_text(self.line_bp)),
        }
    }

    /// The same with `more_fen` more loss claimed.
    pub fn with(self, more_fen: i64) -> StopLine {
        StopLine { losses_fen: self.losses_fen + more_fen, ..self }
    }
}

/// A bank's stop-line state in `fund` for the year of `day`, under the rules in force.
pub fn stop_line(conn: &mut DbConn, fund: &Fund, institution: i64, day: NaiveDate) -> diesel::QueryResult<StopLine> {
    let year = claims::year_of(day);
    Ok(StopLine {
        year,
        registered_fen: Registration::principal_in_year(conn, fund.id, institution, year)?,
        losses_fen: claims::losses_in_year(conn, fund.id, institution, year)?,
        line_bp: fund.rules(conn)?.rules.stop_line_bp,
    })
}

fn field(field: &'static str, message: impl Into<String>) -> FieldRefusal {
    FieldRefusal { field, code: "invalid_claim", message: message.into() }
}

fn today(ctx: &Ctx) -> NaiveDate {
    beijing(ctx.now).date_naive()
}

/// The registration's drawdown meets the trigger of the version it came under.
fn triggered(conn: &mut DbConn, c: &Claimable) -> diesel::QueryResult<bool> {
    let version = RuleVersion::find(conn, c.rule_id)?.ok_or(Error::NotFound)?;
    Ok(version.rules.trigger.met(c.status, c.classification))
}

/// `institution`'s registrations in `fund` that it may claim now: triggered, in no live claim.
pub fn claimable(conn: &mut DbConn, fund_id: i64, institution: i64) -> diesel::QueryResult<Vec<Claimable>> {
    let mut out = Vec::new();
    for c in claims::unclaimed(conn, fund_id, institution)? {
        if triggered(conn, &c)? {
            out.push(c);
        }
    }
    Ok(out)
}

/// Checks a draft and gives its lines; refused beside the losses, each naming its IOU.
pub fn lines(conn: &mut DbConn, institution: i64, draft: &Draft) -> Result<Vec<Line>, Stop> {
    if draft.losses.is_empty() {
        return refuse(Refusal::Fields(vec![field("items", "请至少选择一笔贷款并填写损失金额")]));
    }
    let mut lines = Vec::new();
    let mut wrong = Vec::new();
    for &(registration, loss_fen) in &draft.losses {
        let Some(c) = claims::registration_of(conn, registration, institution)?.filter(|c| c.fund_id == draft.fund_id)
        else {
            return refuse(Refusal::NotFound("入库贷款"));
        };
        if !triggered(conn, &c)? {
            wrong.push(field("loss", format!("借据 {} 尚未达到补偿触发条件", c.iou_no)));
        } else if loss_fen <= 0 {
            wrong.push(field("loss", format!("借据 {}：请填写本金损失（万元，大于 0）", c.iou_no)));
        } else if loss_fen > c.outstanding_fen {
            let most = Money::from_fen(c.outstanding_fen).wan_text();
            wrong.push(field("loss", format!("借据 {}：本金损失不能超过未偿本金 {most}", c.iou_no)));
        }
        let payout_fen = fund::payout(loss_fen, c.ratio_bp);
        lines.push(Line { claimable: c, loss_fen, payout_fen });
    }
    if wrong.is_empty() { Ok(lines) } else { refuse(Refusal::Fields(wrong)) }
}

/// Refused when `state` is past the stop line, in words.
pub fn stop_line_refusal(state: StopLine) -> Result<(), Stop> {
    if state.passed() {
        return refuse(Refusal::rule(
            "past_stop_line",
            format!("本机构在该资金池{}年度的损失已超过停止线，暂停补偿：{}", state.year, state.text()),
        ));
    }
    Ok(())
}

/// Submits a bank's claim on one fund; its id.
pub fn submit(conn: &mut DbConn, ctx: &Ctx, institution: i64, draft: &Draft) -> Outcome<i64> {
    let by = ctx.actor.user_id.unwrap_or_default();
    let outcome = guarded(conn, |c| {
        let Some(fund) = Fund::find(c, draft.fund_id)? else {
            return refuse(Refusal::NotFound("资金池"));
        };
        let lines = lines(c, institution, draft)?;
        let loss: i64 = lines.iter().map(|l| l.loss_fen).sum();
        let payout: i64 = lines.iter().map(|l| l.payout_fen).sum();
        stop_line_refusal(stop_line(c, &fund, institution, today(ctx))?.with(loss))?;
        let id = Claim::insert(c, (fund.id, institution), (loss, payout), by, ctx.now)?;
        for line in &lines {
            Item::insert(c, id, &line.claimable, line.loss_fen, line.payout_fen)?;
        }
        Event::insert(c, id, ClaimStatus::Submitted, (None, Some(payout)), by, ctx.now)?;
        ctx.audit(c, "fund_claim_submitted", &format!("claim:{id}"))?;
        Ok(id)
    });
    match outcome {
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(Err(Refusal::rule(
            "already_claimed",
            "所选借据已在另一笔补偿申请中（同一笔借据只能在一笔有效申请中），请刷新后重新选择",
        ))),
        other => other,
    }
}

/// The bank's own claim, locked at `version` in `from`, or refused.
fn own_at(c: &mut DbConn, institution: i64, (id, version): (i64, i32), from: ClaimStatus) -> Result<Claim, Stop> {
    let Some(claim) = Claim::find_of(c, id, institution)? else {
        return refuse(Refusal::NotFound("补偿申请"));
    };
    if claim.status != from || claim.version != version {
        return refuse(Refusal::Changed("补偿申请"));
    }
    Ok(claim)
}

/// Files missing from a claim among those required, in words; None when complete.
pub fn missing(conn: &mut DbConn, claim_id: i64) -> diesel::QueryResult<Option<String>> {
    let files = ClaimFile::of_claim(conn, claim_id)?;
    let missing: Vec<_> = REQUIRED.iter().filter(|k| !files.iter().any(|f| f.kind == **k)).map(|k| k.label()).collect();
    Ok((!missing.is_empty()).then(|| format!("申请材料不全，缺少：{}", missing.join("、"))))
}

/// Submits a returned claim again, with the losses per item as now stated.
pub fn resubmit(conn: &mut DbConn, ctx: &Ctx, institution: i64, at: (i64, i32), losses: &[(i64, i64)]) -> Outcome<()> {
    let by = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        let claim = own_at(c, institution, at, ClaimStatus::Returned)?;
        if let Some(words) = missing(c, claim.id)? {
            return refuse(Refusal::rule("files_missing", words));
        }
        let items = claim.items(c)?;
        let draft = Draft {
            fund_id: claim.fund_id,
            losses: items
                .iter()
                .map(|i| {
                    let stated = losses.iter().find(|(r, _)| *r == i.registration_id).map(|(_, l)| *l);
                    (i.registration_id, stated.unwrap_or(i.loss_fen))
                })
                .collect(),
        };
        let lines = lines(c, institution, &draft)?;
        for (item, line) in items.iter().zip(&lines) {
            Item::set_loss(c, item.id, line.loss_fen, line.payout_fen)?;
        }
        let loss: i64 = lines.iter().map(|l| l.loss_fen).sum();
        let payout: i64 = lines.iter().map(|l| l.payout_fen).sum();
        if !Claim::step(c, at, ClaimStatus::Returned, ClaimStatus::Submitted, ctx.now)? {
            return refuse(Refusal::Changed("补偿申请"));
        }
        Claim::set_totals(c, claim.id, loss, payout)?;
        // The return's reason stays in the history; the claim now awaits a decision of its own.
        Claim::set_reason(c, claim.id, None)?;
        Event::insert(c, claim.id, ClaimStatus::Submitted, (None, Some(payout)), by, ctx.now)?;
        ctx.audit(c, "fund_claim_resubmitted", &format!("claim:{}", claim.id))?;
        Ok(())
    })
}

/// Adds a dossier file to the bank's claim while it is under review or
/// returned: the type from the bytes, at most `MAX_FILE_BYTES`.
pub fn attach(
    conn: &mut DbConn,
    ctx: &Ctx,
    institution: i64,
    (claim_id, kind): (i64, FileKind),
    data_dir: &Path,
    bytes: &[u8],
) -> Outcome<i64> {
    let by = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        let Some(claim) = Claim::find_of(c, claim_id, institution)? else {
            return refuse(Refusal::NotFound("补偿申请"));
        };
        if !matches!(claim.status, ClaimStatus::Submitted | ClaimStatus::Returned) {
            return refuse(Refusal::rule("claim_decided", "该申请已有审核结果，不能再上传材料"));
        }
        if bytes.len() > MAX_FILE_BYTES {
            return refuse(Refusal::Fields(vec![field("file", "文件超过 10 MB，请压缩或分页扫描后再上传")]));
        }
        let Some(content_type) = sniff(bytes) else {
            return refuse(Refusal::Fields(vec![field("file", "只接受 PDF、JPG 或 PNG 文件（按文件内容识别）")]));
        };
        let stored =
            file::store(data_dir, content_type, bytes).map_err(|e| Stop::Db(Error::QueryBuilderError(e.into())))?;
        let id = ClaimFile::insert(c, claim.id, kind, &stored, by, ctx.now)?;
        ctx.audit(c, "fund_claim_file_added", &format!("claim:{}:file:{id}", claim.id))?;
        Ok(id)
    })
}

/// Records a recovery on a paid claim: the fund's share goes back to the
/// budget of the year the claim was approved in.
pub fn recover(
    conn: &mut DbConn,
    ctx: &Ctx,
    institution: i64,
    at: (i64, i32),
    (amount_fen, on): (i64, NaiveDate),
) -> Outcome<i64> {
    let by = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        let claim = own_at(c, institution, at, ClaimStatus::Paid)?;
        if amount_fen <= 0 {
            return refuse(Refusal::Fields(vec![field("amount", "请填写追回金额（万元，大于 0）")]));
        }
        if on > today(ctx) || on < claim.submitted_at.date() {
            return refuse(Refusal::Fields(vec![field("on", "追回日期应在申请日之后、不晚于今天")]));
        }
        let paid = claim.approved_fen.unwrap_or_default();
        let refund = fund::refund(amount_fen, paid, claim.loss_fen, claim.refunded_fen);
        if !Claim::add_recovery(c, at, amount_fen, refund, ctx.now)? {
            return refuse(Refusal::Changed("补偿申请"));
        }
        claims::file_recovery(c, claim.id, (amount_fen, refund, on), by, ctx.now)?;
        if let Some(year) = claim.budget_year {
            crate::models::fund::budget::give_back(c, claim.fund_id, year, refund)?;
        }
        Event::insert(c, claim.id, ClaimStatus::Paid, (Some(RECOVERY), Some(refund)), by, ctx.now)?;
        ctx.audit(c, "fund_claim_recovered", &format!("claim:{}", claim.id))?;
        Ok(refund)
    })
}
