//! The top bar's menu of each role, the entry that marks the page shown, and
//! the tabs over pages that one menu entry leads to (the credit office's
//! statistics, the fund's pages of the credit office and of a bank).

use super::Layout;
use crate::domain::Role;

/// The credit office's statistics pages, under one 统计 menu entry.
pub const STATISTICS_PAGES: [(&str, &str); 4] = [
    ("/credit-office/statistics", "统计看板"),
    ("/credit-office/bulletins", "统计公报"),
    ("/credit-office/reports", "统计报送"),
    ("/credit-office/scoreboard", "机构服务榜"),
];

/// The credit office's fund pages, under one 风险补偿 menu entry.
pub const FUND_PAGES: [(&str, &str); 3] = [
    ("/credit-office/funds", "资金池"),
    ("/credit-office/fund-claims", "补偿审核"),
    ("/credit-office/subsidies", "贴息"),
];

/// A bank admin's fund pages, under one 风险补偿 menu entry.
pub const BANK_FUND_PAGES: [(&str, &str); 2] = [("/bank/fund", "入库贷款"), ("/bank/claims", "补偿申请")];

/// Pages reached through one menu entry (the group's first page) and tabs.
const TAB_GROUPS: [&[(&str, &str)]; 3] = [&STATISTICS_PAGES, &FUND_PAGES, &BANK_FUND_PAGES];

impl Layout {
    /// Whether `href` is the menu entry of the page shown (every statistics
    /// page marks 统计): the entry whose
    /// path is the page's or, failing that, its longest ancestor in the menu
    /// (the hall's grab page marks 抢单大厅, not 工作台).
    pub fn is_current(&self, href: &str) -> bool {
        let under = |entry: &str| {
            self.path == entry || (entry != "/" && self.path.strip_prefix(entry).is_some_and(|r| r.starts_with('/')))
        };
        let menu = self.menu();
        // A page of a tab group marks the group's entry, and only it.
        let group = TAB_GROUPS.iter().find(|pages| {
            menu.iter().any(|(entry, _)| *entry == pages[0].0) && pages.iter().any(|(page, _)| under(page))
        });
        if let Some(pages) = group {
            return href == pages[0].0;
        }
        under(href) && !menu.iter().any(|(other, _)| other.len() > href.len() && under(other))
    }

    /// The tabs over the credit office's statistics pages (one 统计 entry in
    /// the menu leads to them): (href, label, whether it is the page shown).
    pub fn statistics_tabs(&self) -> Vec<(&'static str, &'static str, bool)> {
        self.tabs(&STATISTICS_PAGES)
    }

    /// The tabs over the credit office's fund pages.
    pub fn fund_tabs(&self) -> Vec<(&'static str, &'static str, bool)> {
        self.tabs(&FUND_PAGES)
    }

    /// The tabs over a bank admin's fund pages.
    pub fn bank_fund_tabs(&self) -> Vec<(&'static str, &'static str, bool)> {
        self.tabs(&BANK_FUND_PAGES)
    }

    /// Tabs over `pages`: (href, label, whether it is the page shown).
    pub fn tabs(&self, pages: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str, bool)> {
        pages.iter().map(|(href, label)| (*href, *label, self.path.starts_with(href))).collect()
    }

    /// The menu of the signed-in role (links to pages that exist today).
    pub fn menu(&self) -> Vec<(&'static str, &'static str)> {
        match self.role {
            None => vec![
                ("/", "首页"),
                ("/products", "金融超市"),
                ("/bulletins", "统计公报"),
                ("/scoreboard", "机构服务榜"),
                ("/login", "登录"),
                ("/register", "企业注册"),
            ],
            Some(Role::Enterprise) if self.claiming => {
                vec![("/enterprise/claim", "企业认证"), ("/products", "金融超市"), ("/account/password", "修改密码")]
            }
            Some(Role::Enterprise) => vec![
                ("/enterprise", "企业首页"),
                ("/enterprise/portrait", "信用画像"),
                ("/products", "金融超市"),
                ("/enterprise/estimate", "能融多少"),
                ("/enterprise/needs", "融资需求"),
                ("/enterprise/loans", "我的贷款"),
                ("/enterprise/authorizations", "授权与查询"),
                ("/enterprise/contact", "联系方式"),
                ("/account/password", "修改密码"),
            ],
            Some(Role::Officer) => vec![
                ("/officer", "工作台"),
                ("/officer/hall", "抢单大厅"),
                ("/officer/offers", "我的抢单"),
                ("/officer/loans", "贷款管理"),
                ("/officer/subscriptions", "需求订阅"),
                ("/products", "金融超市"),
                ("/officer/profile", "个人资料"),
                ("/account/password", "修改密码"),
            ],
            Some(Role::BankAdmin) => vec![
                ("/bank-admin", "机构管理"),
                ("/bank-admin/loans", "贷款管理"),
                ("/bank-admin/products", "信贷产品"),
                ("/bank/fund", "风险补偿"),
                ("/bank/api-clients", "系统对接"),
                ("/products", "金融超市"),
                ("/account/password", "修改密码"),
            ],
            Some(Role::CreditOffice) => vec![
                ("/credit-office", "工作台"),
                ("/credit-office/imports", "数据导入"),
                ("/credit-office/enterprises", "企业名录"),
                ("/credit-office/disputes", "异议处理"),
                ("/credit-office/claims", "企业认证"),
                ("/credit-office/needs", "融资需求"),
                ("/credit-office/loans", "贷款"),
                ("/credit-office/statistics", "统计"),
                ("/credit-office/funds", "风险补偿"),
                ("/credit-office/holidays", "节假日"),
                ("/credit-office/whitelist", "白名单"),
                ("/credit-office/institutions", "金融机构"),
                ("/credit-office/mail", "邮件发送"),
                ("/account/password", "修改密码"),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(role: Role, path: &str) -> Vec<&'static str> {
        let layout = Layout {
            user_name: None,
            role: Some(role),
            csrf: String::new(),
            demo: false,
            claiming: false,
            unread: 0,
            path: path.into(),
        };
        layout.menu().into_iter().filter(|(href, _)| layout.is_current(href)).map(|(_, label)| label).collect()
    }

    #[test]
    fn a_page_marks_one_menu_entry() {
        assert_eq!(at(Role::CreditOffice, "/credit-office/scoreboard"), ["统计"], "a tab marks its group's entry only");
        assert_eq!(at(Role::CreditOffice, "/credit-office/bulletins/3"), ["统计"]);
        assert_eq!(at(Role::CreditOffice, "/credit-office"), ["工作台"]);
    }
}
