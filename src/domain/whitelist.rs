//! The whitelist's (守信激励名单) manual decisions.

/// A manual change of the whitelist. The strings are stored in `whitelist_changes.action`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WhitelistAction {
    Add,
    Remove,
}

crate::stored_as_text!(WhitelistAction);

impl WhitelistAction {
    pub const ALL: [WhitelistAction; 2] = [WhitelistAction::Add, WhitelistAction::Remove];

    pub fn as_str(self) -> &'static str {
        match self {
            WhitelistAction::Add => "add",
            WhitelistAction::Remove => "remove",
        }
    }

    pub fn parse(text: &str) -> Option<WhitelistAction> {
        WhitelistAction::ALL.into_iter().find(|a| a.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            WhitelistAction::Add => "加入",
            WhitelistAction::Remove => "移出",
        }
    }

    pub fn is_add(self) -> bool {
        self == WhitelistAction::Add
    }
}
