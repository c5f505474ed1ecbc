//! Every string a user reads, in Chinese first and English second.
//!
//! Messages are an enum rather than string keys so that a missing or
//! misspelt message is a compile error, and so that errors can travel from
//! server to browser as a key and be rendered in whatever language the
//! reader has chosen.

use serde::{Deserialize, Serialize};

/// The two languages of the product. Chinese is the default everywhere.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Name of the cookie that remembers the web user's choice.
    pub const COOKIE: &'static str = "linli_lang";

    /// BCP 47 tag, as used in `<html lang>` and `Content-Language`.
    pub const fn tag(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            Self::Zh => "zh",
            Self::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh-hans" => Some(Self::Zh),
            "en" | "en-us" | "en-gb" => Some(Self::En),
            _ => None,
        }
    }

    /// Picks the first supported language of an `Accept-Language` header,
    /// honouring q-values; Chinese when nothing matches.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok()))
                .unwrap_or(1.0);
            let lang = if tag.starts_with("zh") {
                Some(Self::Zh)
            } else if tag.starts_with("en") {
                Some(Self::En)
            } else {
                None
            };
            if let Some(lang) = lang
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// The other language, for the switch button.
    pub const fn other(self) -> Self {
        match self {
            Self::Zh => Self::En,
            Self::En => Self::Zh,
        }
    }
}

macro_rules! messages {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A message the user may read. Serialized as its snake_case name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Msg { $($key,)* }

        impl Msg {
            /// The message in `lang`.
            pub const fn text(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::Zh => match self { $(Msg::$key => $zh,)* },
                    Lang::En => match self { $(Msg::$key => $en,)* },
                }
            }
        }
    };
}

messages! {
    // --- errors
    ErrBadRequest => "请求格式不正确", "The request is malformed.";
    ErrUnauthenticated => "请先登录", "Please sign in first.";
    ErrSessionExpired => "登录已过期，请重新登录", "Your session has expired. Please sign in again.";
    ErrInvalidCredentials => "手机号或密码不正确", "Wrong phone number or password.";
    ErrForbidden => "您没有权限执行此操作", "You are not allowed to do this.";
    ErrNotFound => "找不到该内容", "Not found.";
    ErrInternal => "系统出现问题，请稍后再试", "Something went wrong on our side. Please try again.";
    ErrNetwork => "网络连接失败，请检查网络后重试", "Network error. Please check your connection and retry.";
    ErrRateLimited => "尝试次数过多，请稍后再试", "Too many attempts. Please wait and try again.";
    ErrCsrf => "请求来源不可信，请刷新页面后重试", "This request did not come from our pages. Please reload and retry.";
    ErrPhoneInvalid => "请输入11位手机号", "Enter an 11-digit mobile number.";
    ErrPasswordRequired => "请输入密码", "Enter your password.";
    ErrAccountDisabled => "该账号已停用", "This account has been deactivated.";
    ErrTooLarge => "内容太大", "That is too large.";
    ErrRequired => "此项必填", "This field is required.";
    ErrTooLong => "内容过长", "That is too long.";
    ErrUnavailable => "服务暂时不可用，请稍后再试", "The service is unavailable right now. Please try again later.";

    // --- app shell
    AppName => "邻里", "Linli";
    AppTagline => "社区生活，一键搞定", "Your community, one tap away";
    SwitchLanguage => "English", "中文";
    Loading => "加载中…", "Loading…";
    Back => "返回", "Back";
    Home => "首页", "Home";
    SignIn => "登录", "Sign in";
    SignOut => "退出登录", "Sign out";
    Phone => "手机号", "Phone number";
    Password => "密码", "Password";
    SignInTitle => "登录邻里", "Sign in to Linli";
    SignInHint => "使用物业登记的手机号登录", "Use the phone number registered with the property office.";
    PageNotFound => "页面不存在", "Page not found";
    Hello => "您好，", "Hello, ";
    ComingSoon => "即将上线", "Coming soon";

    // --- roles
    RoleResident => "业主", "Resident";
    RoleElder => "长者", "Elder";
    RoleButler => "管家", "Butler";
    RoleWorker => "维修工", "Technician";
    RoleGuard => "门岗", "Gate guard";
    RoleDuty => "值班室", "Duty room";
    RoleAdmin => "项目经理", "Property manager";

    // --- trades
    TradePlumbing => "水暖", "Plumbing";
    TradeElectric => "电工", "Electrical";
    TradeGeneral => "综合维修", "General repairs";
    TradeElevator => "电梯", "Elevator";

    // --- home cards
    CardRepairs => "一键报修", "Report a repair";
    CardRepairsHint => "拍照报修，进度实时可见", "Snap a photo, follow the job live";
    CardMyJobs => "我的报修", "My repairs";
    CardVisitors => "访客邀请", "Visitor passes";
    CardVisitorsHint => "生成二维码，访客扫码进门", "Send a QR pass to your visitor";
    CardNotices => "社区公告", "Notices";
    CardEvents => "社区活动", "Events";
    CardButler => "我的管家", "My butler";
    CardJobBoard => "工单看板", "Job board";
    CardHelpCalls => "求助呼叫", "Help calls";
    CardElders => "独居长者", "Elders";
    CardScanner => "扫码核验", "Scan a pass";
    CardExpected => "今日预约访客", "Expected today";
    CardWalkIn => "临时访客登记", "Register a walk-in";
    CardAssigned => "我的任务", "My jobs";
    CardOpenCalls => "未结束的求助", "Open help calls";
    CardCritical => "特急工单", "Critical jobs";
    CardBuildings => "楼栋与管家", "Buildings and butlers";
    CardStaff => "员工", "Staff";
    CardScorecards => "管家考核", "Butler scorecards";
    CardSettings => "服务时限设置", "Service-level settings";
    CardAudit => "操作日志", "Audit log";
    YourUnit => "您的房屋", "Your home";
    YourBuildings => "负责楼栋", "Your buildings";
    YourGate => "岗位", "Your gate";
    YourTrades => "工种", "Your trades";
    Community => "小区", "Community";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_q() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("fr, en;q=0.5, zh;q=0.7"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("de"), Lang::Zh);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
    }

    #[test]
    fn messages_exist_in_both_languages() {
        assert_eq!(Msg::SignIn.text(Lang::Zh), "登录");
        assert_eq!(Msg::SignIn.text(Lang::En), "Sign in");
        assert_ne!(Msg::ErrNotFound.text(Lang::Zh), Msg::ErrNotFound.text(Lang::En));
    }

    #[test]
    fn msg_serializes_as_snake_case() {
        let json = serde_json::to_string(&Msg::ErrInvalidCredentials).unwrap_or_default();
        assert_eq!(json, "\"err_invalid_credentials\"");
    }
}
