//! The columns of each kind of department file: the Chinese header the
//! template uses, the English one, the other names departments' systems
//! export, whether the column is required, and an example value. This table
//! is the single source for header matching, the template and the docs.

use crate::domain::records::RecordKind;

#[derive(Debug)]
pub struct Column {
    /// Name in code (matches the record field).
    pub key: &'static str,
    /// Header in the template and in error reports.
    pub label: &'static str,
    pub english: &'static str,
    /// Other accepted headers, compared after normalisation.
    pub aliases: &'static [&'static str],
    pub required: bool,
    /// The accepted form, for the docs and the import page.
    pub format: &'static str,
    pub example: &'static str,
}

const fn col(
    key: &'static str,
    label: &'static str,
    english: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    format: &'static str,
    example: &'static str,
) -> Column {
    Column { key, label, english, aliases, required, format, example }
}

const DATE: &str = "日期：2024-03-01、2024/3/1、20240301、2024年3月1日";
const MONTH: &str = "月份：2024-03、202403、2024/3、2024年3月";
const YUAN: &str = "金额（元），可带千分位，最多两位小数";

const USCC: Column = col(
    "uscc",
    "统一社会信用代码",
    "uscc",
    &["credit_code", "unified_social_credit_code", "社会信用代码", "信用代码", "统一代码"],
    true,
    "18 位，含校验位",
    "91990106MA1XY2K3P2",
);

#[rustfmt::skip]
const REGISTRY: &[Column] = &[
    USCC,
    col("name", "企业名称", "name", &["enterprise_name", "company_name", "名称", "市场主体名称", "单位名称"], true, "文本", "无锡华信精密机械有限公司"),
    col("legal_representative", "法定代表人", "legal_representative", &["legal_rep", "法人", "法人代表", "负责人", "经营者"], true, "文本", "张伟"),
    col("registered_capital", "注册资本", "registered_capital", &["capital", "注册资金"], true, "金额（元）；表头写“注册资本（万元）”时按万元计", "5,000,000"),
    col("established_on", "成立日期", "established_on", &["established", "founded_on", "establishment_date", "成立时间"], true, DATE, "2016-05-12"),
    col("region", "行政区划", "region", &["region_code", "行政区划代码", "区划代码", "所属区划"], true, "6 位行政区划代码", "990106"),
    col("industry", "行业", "industry", &["industry_code", "行业门类", "行业代码", "所属行业"], true, "行业门类字母 A–T，或门类名称如“制造业”", "C"),
    col("size_class", "企业规模", "size_class", &["size", "规模", "企业类型规模"], true, "微型、小型、中型（或 micro、small、medium）", "小型"),
    col("address", "住所", "address", &["地址", "注册地址", "经营场所", "住所地址"], true, "文本", "滨湖区蠡园开发区 1 号"),
    col("contact_email", "联系邮箱", "contact_email", &["email", "电子邮箱", "企业邮箱", "邮箱"], false, "邮箱地址，可空；企业认证的验证码发到这里", "finance@huaxin.example"),
    col("contact_mobile", "联系手机", "contact_mobile", &["mobile", "手机", "手机号码", "联系电话"], false, "11 位手机号，可空；座机号码不保存", "13912345678"),
];

#[rustfmt::skip]
const TAX: &[Column] = &[
    USCC,
    col("year", "年度", "year", &["tax_year", "纳税年度", "评价年度"], true, "四位年份", "2024"),
    col("tax_grade", "纳税信用等级", "tax_grade", &["grade", "credit_grade", "信用等级", "等级"], true, "A、B、M、C、D", "A"),
    col("tax_paid", "纳税额", "tax_paid", &["tax", "实缴税额", "纳税总额", "缴纳税额", "实际缴纳税额", "税额"], true, YUAN, "1,234,567.89"),
    col("revenue", "营业收入", "revenue", &["income", "sales", "销售收入", "营业收入总额", "收入"], true, YUAN, "25,800,000"),
];

#[rustfmt::skip]
const UTILITIES: &[Column] = &[
    USCC,
    col("month", "月份", "month", &["billing_month", "period", "账期", "缴费月份", "计费月份", "所属月份"], true, MONTH, "2024-03"),
    col("utility", "类型", "utility", &["type", "缴费类型", "费用类型", "类别", "能源类型"], true, "水、电、气（燃气）或 water、electricity、gas", "电"),
    col("usage", "用量", "usage", &["consumption", "使用量", "用电量", "用水量", "用气量"], true, "数字，最多两位小数（千瓦时、吨或立方米）", "12,500.5"),
    col("billed", "应缴金额", "billed", &["amount", "金额", "应缴费用", "账单金额", "费用"], true, YUAN, "10,250.00"),
    col("arrears", "欠费金额", "arrears", &["欠费", "欠缴金额"], false, "金额（元），空白或 - 表示 0", "0"),
];

#[rustfmt::skip]
const PROPERTY: &[Column] = &[
    USCC,
    col("certificate_no", "不动产权证号", "certificate_no", &["certificate", "不动产权证书号", "证书号", "产权证号", "权证号", "不动产权证书编号"], true, "文本", "苏(2023)无锡市不动产权第0012345号"),
    col("kind", "不动产类型", "kind", &["type", "property_type", "类型", "用途"], true, "文本，如 工业用地、厂房、办公用房", "厂房"),
    col("area", "面积", "area", &["建筑面积", "面积平方米"], true, "平方米，最多两位小数", "3,200.50"),
    col("assessed_value", "评估价值", "assessed_value", &["value", "评估值", "评估金额", "价值"], true, YUAN, "8,600,000"),
    col("mortgaged", "是否抵押", "mortgaged", &["抵押状态", "抵押情况", "抵押"], true, "是/否、Y/N、已抵押/未抵押", "否"),
];

#[rustfmt::skip]
const SOCIAL_SECURITY: &[Column] = &[
    USCC,
    col("month", "月份", "month", &["缴费月份", "所属期", "费款所属期", "所属月份"], true, MONTH, "2024-03"),
    col("insured", "参保人数", "insured", &["insured_count", "employees", "缴费人数", "在职参保人数"], true, "整数", "37"),
    col("arrears", "欠费金额", "arrears", &["欠费", "欠缴金额"], false, "金额（元），空白或 - 表示 0", "0"),
];

#[rustfmt::skip]
const PENALTIES: &[Column] = &[
    USCC,
    col("case_no", "案号", "case_no", &["case_number", "决定书文号", "处罚决定书文号", "行政处罚决定书文号", "文书号", "执行案号"], true, "文本", "锡市监罚〔2024〕12号"),
    col("decided_on", "决定日期", "decided_on", &["decision_date", "处罚决定日期", "作出处罚决定日期", "立案日期", "发布日期"], true, DATE, "2024-04-18"),
    col("authority", "决定机关", "authority", &["处罚机关", "处罚决定机关", "作出决定机关", "执行法院", "实施机关", "court"], true, "文本", "无锡市市场监督管理局"),
    col("kind", "类型", "kind", &["type", "记录类型", "信息类型", "类别"], true, "行政处罚、失信被执行人、被执行人", "行政处罚"),
    col("amount", "金额", "amount", &["罚款金额", "罚没金额", "处罚金额", "执行标的"], false, "金额（元），空白或 - 表示 0", "20,000"),
    col("status", "状态", "status", &["当前状态", "履行情况", "修复状态"], true, "有效、已修复、已履行（或 active、repaired）", "已修复"),
    col("ended_on", "修复日期", "ended_on", &["end_date", "repaired_on", "履行日期", "结案日期", "修复或履行日期"], false, "日期，可空", "2024-09-30"),
];

#[rustfmt::skip]
const HONOURS: &[Column] = &[
    USCC,
    col("honour", "荣誉名称", "honour", &["honor", "award", "荣誉", "称号", "荣誉称号", "名称"], true, "文本", "高新技术企业"),
    col("issuer", "授予单位", "issuer", &["awarded_by", "颁发单位", "认定单位", "认定机关", "发布单位"], true, "文本", "江苏省科学技术厅"),
    col("awarded_on", "授予日期", "awarded_on", &["award_date", "认定日期", "颁发日期", "获得日期"], true, DATE, "2023-11-06"),
    col("expires_on", "有效期至", "expires_on", &["expiry_date", "valid_until", "到期日期", "有效期截止日期"], false, "日期，可空", "2026-11-05"),
];

/// The columns of a kind, in template order.
pub fn columns(kind: RecordKind) -> &'static [Column] {
    match kind {
        RecordKind::Registry => REGISTRY,
        RecordKind::Tax => TAX,
        RecordKind::Utilities => UTILITIES,
        RecordKind::Property => PROPERTY,
        RecordKind::SocialSecurity => SOCIAL_SECURITY,
        RecordKind::Penalties => PENALTIES,
        RecordKind::Honours => HONOURS,
    }
}
