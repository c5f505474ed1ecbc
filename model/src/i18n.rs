//! Every string a user reads, in Chinese first and English second.
//!
//! Messages are an enum rather than string keys so that a missing or
//! misspelt message is a compile error, and so that errors can travel from
//! server to browser as a key and be rendered in whatever language the
//! reader has chosen.
//!
//! Why one file of about 550 lines: it is one table (a message, its
//! Chinese, its English) plus the enum naming each row; splitting it by
//! screen would scatter one translation task over many files and let two
//! screens define the same phrase twice. It holds no logic.

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

    /// Picks the supported language of an `Accept-Language` header with
    /// the highest weight (the first of equals); Chinese when nothing
    /// matches. A language range matches by its primary subtag (`en-GB`
    /// is English, `eng` is not); a weight of 0 means "not acceptable"
    /// (RFC 9110 §12.4.2 and §12.5.4), so `en;q=0` never picks English,
    /// and a weight that is not a number from 0 to 1 is read as 1.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.trim().parse::<f32>().ok()))
                .filter(|q| (0.0..=1.0).contains(q))
                .unwrap_or(1.0);
            let lang = match tag.split('-').next() {
                Some("zh") => Some(Self::Zh),
                Some("en") => Some(Self::En),
                _ => None,
            };
            if let Some(lang) = lang
                && q > 0.0
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
        /// A message the user may read. Serialized as its snake_case name
        /// (`Msg::ErrNotFound` is `"err_not_found"`), the names serde's
        /// `rename_all = "snake_case"` gives; see [`Msg::name`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($key,)* }

        /// Every message, in declaration order (`ALL[m as usize] == m`).
        const ALL: &[Msg] = &[$(Msg::$key,)*];

        /// Every message's Rust name, in declaration order.
        const RUST_NAMES: &[&str] = &[$(stringify!($key),)*];

        /// The same enum with serde's derived names, to test ours against.
        #[cfg(test)]
        #[derive(Serialize)]
        #[serde(rename_all = "snake_case")]
        enum DerivedMsg { $($key,)* }

        #[cfg(test)]
        const DERIVED: &[DerivedMsg] = &[$(DerivedMsg::$key,)*];

        impl Msg {
            /// The message in `lang`. In the browser English comes from a
            /// table loaded on demand (see [`set_english`]); until one is
            /// registered there, English falls back to Chinese.
            pub fn text(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::Zh => self.zh(),
                    Lang::En => english(self),
                }
            }

            /// The message in Chinese.
            pub const fn zh(self) -> &'static str {
                match self { $(Msg::$key => $zh,)* }
            }

            /// The message in English. Call [`Msg::text`] instead: in the
            /// browser this table is meant to sit in its own lazily loaded
            /// WASM chunk, referenced only by the loader that registers it.
            pub const fn en(self) -> &'static str {
                match self { $(Msg::$key => $en,)* }
            }
        }
    };
}

/// serde's snake_case of a variant name: `_` before every upper-case
/// letter but the first, everything lower-case (`Valid3Days` is
/// `valid3_days`), as `#[serde(rename_all = "snake_case")]` names it.
fn snake_case(rust_name: &str) -> String {
    let mut snake = String::with_capacity(rust_name.len() + 8);
    for (i, ch) in rust_name.char_indices() {
        if i > 0 && ch.is_uppercase() {
            snake.push('_');
        }
        snake.push(ch.to_ascii_lowercase());
    }
    snake
}

/// Every message's wire name, in declaration order, made once.
///
/// Hand-written instead of derived: serde's derive for an enum of ~700
/// unit variants emits a match arm per variant in four functions, about
/// 118 KB of the browser's main WASM module (twiggy, 2026-12-03); this is
/// one table and a search.
fn wire_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| RUST_NAMES.iter().map(|n| snake_case(n)).collect())
}

impl Msg {
    /// The message's wire name (`"err_not_found"`).
    pub fn name(self) -> &'static str {
        wire_names().get(self as usize).map_or("", String::as_str)
    }

    /// The message of a wire name; `None` for a name no message has.
    pub fn from_name(name: &str) -> Option<Self> {
        wire_names().iter().position(|n| n == name).and_then(|i| ALL.get(i).copied())
    }
}

impl Serialize for Msg {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Msg {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl serde::de::Visitor<'_> for Name {
            type Value = Msg;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a message's snake_case name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Msg, E> {
                Msg::from_name(v).ok_or_else(|| E::custom(format_args!("unknown message `{v}`")))
            }
        }
        deserializer.deserialize_str(Name)
    }
}

/// The English table the browser registered, once it has loaded it.
#[cfg(target_family = "wasm")]
static ENGLISH: std::sync::OnceLock<fn(Msg) -> &'static str> = std::sync::OnceLock::new();

/// Registers the English table ([`Msg::en`], passed in by the browser's
/// lazily loaded chunk, so that a Chinese reader never downloads it).
/// The server always has it; there this does nothing. A second call is
/// ignored.
pub fn set_english(table: fn(Msg) -> &'static str) {
    #[cfg(target_family = "wasm")]
    let _ = ENGLISH.set(table);
    #[cfg(not(target_family = "wasm"))]
    let _ = table;
}

#[cfg(target_family = "wasm")]
fn english(msg: Msg) -> &'static str {
    ENGLISH.get().map_or_else(|| msg.zh(), |en| en(msg))
}

#[cfg(not(target_family = "wasm"))]
const fn english(msg: Msg) -> &'static str {
    msg.en()
}

messages! {
    // --- errors
    ErrBadRequest => "请求格式不正确", "The request is malformed.";
    ErrUnauthenticated => "请先登录", "Please sign in first.";
    ErrSessionExpired => "登录已过期，请重新登录", "Your session has expired. Please sign in again.";
    ErrHelpDeviceOnly => "这台求助设备只能呼叫求助、报平安和撤销误按", "This help device can only call for help, check in and cancel a press made by mistake.";
    ErrInvalidCredentials => "手机号或密码不正确", "Wrong phone number or password.";
    ErrForbidden => "您没有权限执行此操作", "You are not allowed to do this.";
    ErrNotFound => "找不到该内容", "Not found.";
    ErrMethodNotAllowed => "不支持这种请求方式", "This method is not allowed here.";
    ErrInternal => "系统出现问题，请稍后再试", "Something went wrong on our side. Please try again.";
    ErrNetwork => "网络连接失败，请检查网络后重试", "Network error. Please check your connection and retry.";
    ErrRateLimited => "尝试次数过多，请稍后再试", "Too many attempts. Please wait and try again.";
    ErrTooManyReports => "提交太频繁，请稍后再提交；紧急情况请直接致电物业", "Too many reports in a short time. Please try again later; in an emergency, call the property office.";
    ErrTooManyPasses => "邀请太频繁，请稍后再邀请", "Too many visitor passes in a short time. Please try again later.";
    ErrCsrf => "请求来源不可信，请刷新页面后重试", "This request did not come from our pages. Please reload and retry.";
    ErrPhoneInvalid => "请输入11位手机号", "Enter an 11-digit mobile number.";
    ErrPasswordRequired => "请输入密码", "Enter your password.";
    ErrAccountDisabled => "该账号已停用", "This account has been deactivated.";
    ErrTooLarge => "内容太大", "That is too large.";
    ErrBodyTimeout => "请求内容没有按时传完，请检查网络后重试", "The request did not arrive in time. Check your connection and try again.";
    ErrContentEncoding => "请求内容请不要压缩后发送", "Send the request body uncompressed (no Content-Encoding).";
    ErrRequired => "此项必填", "This field is required.";
    ErrTooLong => "内容过长", "That is too long.";
    ErrPhotoEmpty => "没有收到照片", "No photo was received.";
    ErrPhotoTooBig => "照片不能超过 25 MB", "A photo may be at most 25 MB.";
    ErrPhotoTooManyPixels => "照片像素过多（最多 6400 万像素）：请在相机里关闭 1 亿/2 亿像素模式后再拍", "The photo has too many pixels (at most 64 megapixels): switch off the 108/200-megapixel mode and take it again.";
    ErrPhotoType => "只支持 JPG、PNG、WebP 格式的照片", "Only JPG, PNG and WebP photos are accepted.";
    ErrPhotoHeic => "暂不支持 HEIC 格式。请在相机设置中选择“兼容性最佳”，或截图后再上传", "HEIC photos are not supported yet. Set the camera to “Most Compatible”, or upload a screenshot.";
    ErrPhotoBroken => "照片已损坏，无法读取", "The photo is damaged and cannot be read.";
    ErrTooManyPhotos => "最多上传 6 张照片", "At most 6 photos.";
    ErrPhotoNotYours => "照片不存在或不属于您", "That photo does not exist or is not yours.";
    ErrCategory => "请选择报修类别", "Choose what needs repairing.";
    ErrUrgency => "紧急程度无效", "Unknown urgency.";
    ErrUrgencyLower => "紧急程度只能调高，不能调低", "Urgency can only be raised, not lowered.";
    ErrIllegalTransition => "工单当前状态不允许此操作", "The job's current state does not allow this.";
    ErrHelpCallState => "求助当前状态不允许此操作", "The help call's current state does not allow this.";
    ErrComplaintState => "当前状态不允许此操作", "Its current state does not allow this.";
    ErrEventOver => "活动已经结束，不能再发布", "This event has already ended.";
    ErrJobChanged => "工单刚被其他人更新，请刷新后重试", "Someone else just updated this job. Reload and try again.";
    ErrUnknownAction => "未知操作", "Unknown action.";
    ErrAssigneeRequired => "请选择维修人员", "Choose who will do the work.";
    ErrAssigneeInvalid => "该人员不能接此工单", "That person cannot take this job.";
    ErrHoldReason => "请说明暂停原因", "Say why the job is on hold.";
    // --- SLA clock, hold reasons and urging 催一下 (issue 17)
    HoldWaitingParts => "等配件", "Waiting for parts";
    HoldWaitingResident => "等业主", "Waiting for the resident";
    HoldWaitingVendor => "等供应商/厂家", "Waiting for the supplier";
    HoldOther => "其他", "Other";
    ErrHoldReasonUnknown => "请从列表中选择暂停原因", "Choose a reason for the hold from the list.";
    ErrHoldOtherNote => "选择“其他”时请写明原因", "With “other”, say why in the note.";
    ErrResumeAt => "预计恢复时间须晚于现在，且在30天以内", "The planned resumption must be in the future and within 30 days.";
    ErrUrgeTooSoon => "刚催过，请稍后再催", "You urged this recently; try again later.";
    ErrUrgeNotOpen => "该工单已办结，无需催办", "This job is finished; there is nothing to urge.";
    ErrBusinessHours => "工作时间格式应为 HH:MM，且开始早于结束", "Business hours are HH:MM, opening before closing.";
    HoldReasonPick => "暂停原因", "Reason for the hold";
    HoldNote => "说明（选“其他”时必填）", "Note (required for “other”)";
    ResumeAtLabel => "预计恢复时间（可选）", "Planned resumption (optional)";
    ResumesAt => "预计恢复：", "Resumes:";
    OnHoldSince => "暂停于", "On hold since";
    ActUrge => "催一下", "Hurry up";
    UrgeAgainIn => "可再次催办：", "You can urge again in";
    Urged => "催办", "Urged";
    UrgeCount => "已催办次数", "Times urged";
    BusinessHoursLabel => "普通报修计时的工作时间（留空为全天计时）", "Business hours for normal jobs' clocks (empty: around the clock)";
    BusinessHoursStart => "开始", "Opens";
    BusinessHoursEnd => "结束", "Closes";
    UrgeIntervalLabel => "住户催办间隔（分钟）", "Minutes between a resident's urges";
    ClockInBusinessHours => "仅工作时间计时", "Counted in business hours only";
    ScHolds => "暂停次数", "Holds";
    ScHeldTime => "暂停时长", "Time on hold";
    ScUrges => "被催办", "Urges received";
    ErrEtaPast => "预计时间不能早于现在", "The expected time cannot be in the past.";
    ErrGateCode => "门岗代码无效（如 north、main）", "Unknown gate: give its code, such as north or main.";
    ErrEtaNotForAction => "此操作不带预计时间", "This action takes no expected time (eta): only a hold or setting out does.";
    ErrCancelReason => "请说明取消原因", "Say why the job is cancelled.";
    // --- complaints and suggestions 投诉建议 (issue 17)
    KindRepair => "报修", "Repair";
    KindComplaint => "投诉", "Complaint";
    KindSuggestion => "建议", "Suggestion";
    CcNoise => "噪音扰民", "Noise";
    CcPets => "文明养宠", "Pets";
    CcParking => "车辆停放", "Parking";
    CcSanitation => "环境卫生", "Sanitation";
    CcStaffConduct => "服务态度", "Staff conduct";
    CcFacilities => "公共设施", "Shared facilities";
    CcFees => "收费", "Fees";
    CcOther => "其他", "Other";
    CaListen => "倾听确认", "Listened";
    CaAct => "约定措施", "Agree the action";
    CaRespond => "进展回复", "Progress reply";
    CaNotify => "办结告知", "Close with the outcome";
    CaAnswer => "答复", "Answer";
    CaAdopt => "采纳", "Adopt";
    CaCancel => "撤销", "Withdraw";
    ErrComplaintNote => "请填写说明（住户会看到）", "Write a note (the resident reads it).";
    ErrComplaintCategory => "请选择投诉建议类别", "Choose what it is about.";
    ErrComplaintText => "请写下您要反映的内容", "Write what you want to tell us.";
    ErrComplaintKind => "请选择投诉或建议", "Choose complaint or suggestion.";
    ErrConcernsUnit => "找不到该房屋，或不能选择自己家", "No such unit, or it is your own.";
    ComplaintsTitle => "投诉建议", "Complaints & suggestions";
    NewComplaint => "我要投诉/建议", "File a complaint or suggestion";
    ComplaintText => "内容", "What happened / your suggestion";
    ConcernsPlace => "涉及地点（可选）", "Place concerned (optional)";
    ComplaintPrivacy => "被投诉的住户不会知道是谁投诉的；您的姓名和电话只有处理的管家和物业经理能看到。", "The household concerned is never told who complained; only the butler handling it and the manager see your name and phone.";
    SubmitComplaint => "提交", "Submit";
    MyComplaints => "我的投诉建议", "My complaints & suggestions";
    NoComplaints => "暂无投诉建议", "No complaints or suggestions.";
    Complainant => "投诉人", "Filed by";
    ConcernsLabel => "涉及：", "Concerns:";
    AdoptedTag => "已采纳", "Adopted";
    ComplaintsByCategory => "按类别", "By category";
    ComplaintsByBuilding => "按楼栋", "By building";
    OpenCount => "未办结", "Open";
    ComplaintStepNote => "说明（住户会看到）", "Note (the resident reads it)";
    ComplaintNotFound => "找不到该投诉建议", "No such complaint or suggestion.";
    ScComplaints => "投诉建议", "Complaints";
    ScComplaintRespond => "投诉按时响应", "Complaints responded in time";
    ScComplaintResolve => "投诉按时办结", "Complaints resolved in time";
    ScComplaintRating => "投诉满意度", "Complaint satisfaction";
    SetComplaintTargets => "投诉建议时限（分钟）", "Complaint targets (minutes)";
    ErrStars => "请选择 1 到 5 颗星", "Choose 1 to 5 stars.";
    ErrTags => "评价标签无效", "Unknown rating tag.";
    ErrAlreadyRated => "您已经评价过了", "You have already rated this.";
    ErrNotYetRatable => "修好后才能评价", "You can rate once the job is resolved.";
    ErrButlerInvalid => "请选择本小区在职的管家", "Choose an active butler of this community.";
    ErrClientKey => "请求标识无效", "Invalid request key.";
    // --- one filing per request key (repairs, complaints: client_key / Idempotency-Key)
    ErrClientKeyMismatch => "请求标识与 Idempotency-Key 不一致", "The client_key and the Idempotency-Key header differ.";
    ErrClientKeyReused => "该请求标识已用于另一项申请，请刷新页面后重新提交", "This request key was already used for another request. Reload the page and send it again.";
    ErrOutcomeRequired => "请选择处理结果", "Choose how the call ended.";
    ErrCallChanged => "求助刚被其他人更新，请刷新后重试", "Someone else just updated this call. Reload and try again.";
    ErrPlate => "车牌格式不正确，例如：粤B12345", "That is not a valid plate, e.g. 粤B12345.";
    ErrWindowOrder => "结束时间必须晚于开始时间", "The end must be after the start.";
    // --- report periods (scorecards, complaint stats): the span limit
    ErrPeriodTooLong => "统计时段最长 {days} 天", "A report period can be at most {days} days long.";
    ErrWindowPast => "结束时间已经过去", "The end time has already passed.";
    ErrDateOutOfRange => "日期超出范围：只能在一年前到两年后之间", "The date is out of range: from a year ago to two years ahead.";
    ErrWindowTooLong => "有效期最长 7 天", "A pass can be valid for at most 7 days.";
    ErrEntries => "进出次数为 1 到 20 次", "Entries must be between 1 and 20.";
    ErrUnitUnknown => "请选择本小区的房屋", "Choose a home in this community.";
    ErrAlreadyDecided => "这位访客已经处理过了", "This visitor has already been answered.";
    ErrDuplicate => "已经存在", "That already exists.";
    ErrCsvLine => "CSV 格式应为：楼号,房号", "Each CSV line must be: building number,unit number.";
    ErrCsvBuilding => "CSV 中有不存在的楼号", "The CSV names a building that does not exist.";
    ErrCsvUnit => "CSV 中有空的或过长的房号（最多 20 个字）", "The CSV has a blank or too long unit number (at most 20 characters).";
    ErrCsvHeader => "表头需同时有“楼号”和“房号”两列", "The header needs both a building and a unit column.";
    ErrCsvUnreadable => "无法读取此 CSV（引号不成对？）", "This CSV cannot be read (an unmatched quote?).";
    ImportSkipExists => "房屋已存在", "the unit exists already";
    ImportSkipDuplicate => "与前面的行重复", "repeats an earlier line";
    ImportDone => "已导入", "Imported";
    ImportSkippedLines => "跳过的行", "Skipped lines";
    ImportLine => "行号", "Line";
    ImportReason => "原因", "Reason";
    ErrPasswordWeak => "初始密码至少 8 位", "The initial password needs at least 8 characters.";
    ErrSettings => "设置的数值不合理", "Those settings are not valid.";
    ErrProvider => "微信服务暂时无法连接，请稍后再试", "WeChat cannot be reached right now. Please try again later.";
    ErrWeChatOff => "本系统未开通微信登录", "WeChat sign-in is not set up here.";
    ErrWeChatCode => "微信登录凭证无效或已过期，请重试", "The WeChat login code is invalid or expired. Please try again.";
    ErrBindingExpired => "绑定已过期，请重新用微信登录", "The binding has expired. Sign in with WeChat again.";
    ErrWeChatTaken => "这个微信号已绑定其他账号", "This WeChat account is bound to another account.";
    ErrMultipart => "请以 multipart/form-data 上传，文件放在 file 字段", "Upload as multipart/form-data with the photo in the field `file`.";
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

    // --- help calls
    OutcomeResolved => "已处理", "Resolved";
    OutcomeAmbulance => "已叫救护车", "Ambulance called";
    OutcomeFalseAlarm => "误按", "False alarm";
    HelpActAcknowledge => "我来处理", "I'm on it";
    HelpActArrive => "已到达", "Arrived";
    HelpActResolve => "结束求助", "Close the call";
    HelpActFalseAlarm => "误按", "Pressed by mistake";
    HelpSent => "求助已发出，正在通知管家", "Help is called. We are alerting your butler.";
    HelpComing => "{name} 已收到，正在赶来", "{name} has it and is on the way";
    HelpArrived => "{name} 已到达", "{name} has arrived";
    HelpClosed => "求助已结束", "The call is closed";
    FuReachedOk => "电话联系上，平安", "Reached by phone: fine";
    FuVisitedOk => "上门查看，平安", "Visited: fine";
    FuNotReached => "联系不上", "Could not reach";
    FuNeedsHelp => "需要帮助", "Needs help";
    // --- regular visits to elders (定期探访, issue 18)
    VisitInPerson => "上门探访", "In person";
    VisitByPhone => "电话探访", "By phone";
    ConditionWell => "状况良好", "Well";
    ConditionUnwell => "身体不适", "Unwell";
    ConditionNeedsHelp => "需要帮助", "Needs help";
    VisitDayMon => "周一", "Monday";
    VisitDayTue => "周二", "Tuesday";
    VisitDayWed => "周三", "Wednesday";
    VisitDayThu => "周四", "Thursday";
    VisitDayFri => "周五", "Friday";
    VisitDaySat => "周六", "Saturday";
    VisitDaySun => "周日", "Sunday";
    VisitToday => "今天", "Today";
    VisitTomorrow => "明天", "Tomorrow";
    VisitSoon => "很快", "Soon";
    NextVisit => "下次探访：", "Next visit: ";
    VisitsOverdue => "探访逾期", "Visits overdue";
    NoVisitsOverdue => "没有待探访的长者", "No visits due";
    VisitDueOn => "应探访日", "Due";
    VisitLastOn => "上次探访", "Last visit";
    VisitNever => "尚未探访", "Not visited yet";
    RecordVisit => "记录探访", "Record visit";
    VisitLog => "探访记录", "Visit log";
    VisitNone => "还没有探访记录", "No visits recorded yet";
    VisitMode => "方式", "How";
    VisitCondition => "状况", "How they are";
    VisitFollowUp => "待跟进事项（可选）", "Anything to follow up (optional)";
    VisitSchedule => "探访周期", "Visit schedule";
    VisitEveryDays => "每几天探访一次（1–90）", "Visit every N days (1–90)";
    VisitOnTime => "按时", "On time";
    VisitLate => "逾期", "Late";
    VisitsOverdueNow => "当前逾期", "Overdue now";
    VisitsOnTime => "按时探访", "Visits on time";
    ErrVisitInterval => "探访周期须为 1 到 90 天", "The schedule must be 1 to 90 days.";
    ErrVisitTime => "探访时间不能晚于现在，也不能早于 14 天前", "A visit can be recorded up to 14 days back, never ahead.";
    ErrNotElder => "该住户未开启长者模式", "This resident is not in elder mode.";
    OlderVisits => "更早的记录", "Older visits";
    VisitDueToday => "今天应探访", "Due today";
    VisitsDue => "待探访长者", "Elders to visit";
    HelpButton => "一键呼叫", "CALL FOR HELP";
    HelpButtonHint => "按一下，管家马上知道", "One press and your butler knows";
    HelpSending => "正在发送求助…", "Sending your call…";
    HelpOffline => "网络不通，正在重试（第 {n} 次）。请稍候，或直接打电话给管家。", "No network, retrying (attempt {n}). Please wait, or phone your butler.";
    HelpPressedAt => "呼叫时间", "Called at";
    HelpWaited => "已等待", "waiting";
    HelpMistake => "按错了", "Pressed by mistake";
    ImOkToday => "我今天很好", "I'm OK today";
    CheckedInToday => "今天已报平安", "Checked in today at";
    YourButler => "您的管家", "Your butler";
    CallButler => "打电话给管家", "Call my butler";
    HelpAlertTitle => "紧急求助", "HELP CALL";
    Escalated => "已升级", "Escalated";
    NoOpenCalls => "目前没有求助", "No open help calls.";
    RecentCalls => "最近的求助", "Recent calls";
    CallElder => "打电话给老人", "Call the elder";
    Outcome => "处理结果", "Outcome";
    HelpStSent => "待响应", "Waiting";
    HelpStAcknowledged => "已响应，赶往中", "On the way";
    HelpStArrived => "已到达", "Arrived";
    HelpStClosed => "已结束", "Closed";
    HelpEvPressed => "按下求助", "Pressed help";
    HelpEvPressedAgain => "再次按下求助", "Pressed help again";
    HelpEvEscalated => "60 秒无人响应，已通知所有值班人员", "Unanswered: all staff on duty alerted";
    HelpEvContacts => "无人响应，已通知紧急联系人", "Unanswered: emergency contacts notified";
    OtherResidents => "其他住户", "Other residents";
    NotCheckedIn => "今天还没报平安，请打电话或上门", "Has not checked in today: call or visit";
    NotYetCheckedIn => "今天还没报平安", "Not checked in yet today";
    Record => "记录", "Record";
    HelpDevices => "求助设备", "Help devices";
    MarkRead => "我已阅读", "I have read this";
    ErrChangedMeanwhile => "刚才有人同时做了修改，请刷新后再试", "Someone changed this at the same moment. Please reload and try again.";
    ReadDone => "已阅读", "Read";
    LastUsed => "最近使用", "last used";
    RevokeDevice => "停用", "Revoke";
    ElderSettings => "长者模式与紧急联系人", "Elder mode and emergency contact";
    EmergencyContact => "紧急联系人", "Emergency contact";
    ContactName => "姓名", "Name";
    ContactRelation => "关系（如：儿子）", "Relation (e.g. son)";
    Save => "保存", "Save";
    ReasonUnknown => "无效的通行码", "Unknown pass";
    ReasonNotYetValid => "还未到有效时间", "Not valid yet";
    ReasonExpired => "已过期", "Expired";
    ReasonUsedUp => "次数已用完", "Already used";
    ReasonRevoked => "已被业主取消", "Revoked by the resident";
    GateNorth => "北门", "North Gate";
    GateSouth => "南门", "South Gate";
    GateEast => "东门", "East Gate";
    GateWest => "西门", "West Gate";
    GateOther => "大门", "Gate";
    NewPass => "邀请访客", "Invite a visitor";
    NoPasses => "暂无访客通行证", "No visitor passes.";
    PassValid => "有效", "Valid";
    Entries => "次", "entries";
    Revoke => "取消通行证", "Revoke";
    VisitorName => "访客姓名", "Visitor's name";
    VisitorPhoneOptional => "访客手机（可不填）", "Visitor's phone (optional)";
    PurposeOptional => "来访事由（可不填）", "Purpose (optional)";
    ValidFor => "有效期", "Valid";
    ValidToday => "今天", "Today";
    ValidTomorrow => "今天和明天", "Today and tomorrow";
    Valid3Days => "3 天", "3 days";
    Valid7Days => "7 天", "7 days";
    SingleEntry => "单次", "Once";
    PlateOptional => "车牌（可不填）", "Car plate (optional)";
    CreatePass => "生成通行证", "Create pass";
    PassCreated => "通行证已生成！把这个页面的链接发给访客。", "Pass created! Send this page's link to your visitor.";
    ShareHint => "在微信里点右上角“…”分享，或复制地址栏的链接。", "Use the share button of your browser or WeChat, or copy the address.";
    PassFor => "访客：", "Visitor:";
    GoTo => "前往", "Going to";
    QrAlt => "通行二维码", "Pass QR code";
    ShortCode => "通行码", "Pass code";
    ValidFrom => "生效：", "From:";
    ValidUntil => "截止：", "Until:";
    EntriesLeft => "还可进入 {n} 次", "{n} entries left";
    AtTheGate => "到达小区门口时，请向门岗出示二维码，或报出通行码。", "At the gate, show the QR code to the guard or read out the pass code.";
    VisitorArrived => "您的访客 {name} 已于 {time} 到达{gate}", "Your visitor {name} arrived at {gate}, {time}";
    WalkInAsk => "门岗来电：有访客找您", "From the gate: a visitor for you:";
    LetIn => "同意放行", "Let them in";
    DontLetIn => "不认识，拒绝", "Don't let them in";
    Admitted => "已放行", "Admitted";
    EnterCode => "输入通行码", "Enter the pass code";
    Check => "验证", "Check";
    Host => "前往", "Visiting";
    Admit => "放行", "Admit";
    Scan => "扫码", "Scan";
    ScanPhoto => "从照片识别", "Read from a photo";
    NoCamera => "无法打开摄像头，请输入通行码", "The camera is not available. Type the code instead.";
    Scanning => "请对准二维码…", "Point the camera at the QR code…";
    NoQrFound => "照片里没有找到二维码", "No QR code found in that photo.";
    VisitingUnit => "拜访房屋", "Visiting";
    AskResident => "通知业主确认", "Ask the resident";
    TodaysWalkIns => "今天的临时访客", "Today's walk-ins";
    Approved => "已同意", "Approved";
    Denied => "已拒绝", "Denied";
    Waiting => "等待业主答复", "Waiting for the resident";
    EntryLog => "出入记录", "Entry log";
    ExportCsv => "导出 CSV", "Export CSV";
    Gate => "门岗", "Gate";
    Time => "时间", "Time";
    NcNotice => "通知", "Notice";
    NcOutage => "停水停电", "Outage";
    NcSafety => "安全提示", "Safety";
    NcActivity => "活动", "Activity";
    ErrRsvpClosed => "报名已截止", "RSVPs for this event are closed.";
    ErrHeadcount => "人数为 1 到 10 人", "Head count must be 1 to 10.";
    ErrEventTimes => "结束时间必须晚于开始时间", "The event must end after it starts.";
    ErrCapacity => "名额为 1 到 10000", "Capacity must be 1 to 10000.";
    ErrCategoryNotice => "请选择公告类别", "Choose a category.";
    ErrBuildingsNotYours => "只能发给您负责的楼栋", "You can only address your own buildings.";
    Urgent => "紧急", "Urgent";
    Unread => "未读", "Unread";
    NewNotice => "发布公告", "New notice";
    NewEvent => "发起活动", "New event";
    NoNotices => "暂无公告", "No notices.";
    NoEvents => "近期没有活动", "No upcoming events.";
    Going => "已报名", "Going";
    Waitlisted => "候补", "Waitlisted";
    ReadBy => "已读户数", "Households read:";
    NotRead => "未读的住户", "Households that have not read it";
    Title => "标题", "Title";
    Body => "内容", "Text";
    Category => "类别", "Category";
    Audience => "发送范围", "Audience";
    AudienceHint => "不选楼栋即发给全小区", "No building selected: the whole community";
    Pinned => "置顶", "Pinned";
    ExpiresIn => "有效期", "Expires";
    Never => "长期", "Never";
    Days => "天", "days";
    Publish => "发布", "Publish";
    Place => "地点", "Place";
    StartsAt => "开始时间", "Starts";
    EndsAt => "结束时间", "Ends";
    Capacity => "名额（人）", "Capacity (people)";
    RsvpDeadline => "报名截止", "RSVP by";
    Attendees => "报名名单", "Attendees";
    SeatsTaken => "已报名 {going} / {capacity} 人", "{going} of {capacity} places taken";
    YouAreGoing => "您已报名", "You are going";
    YouAreWaitlisted => "您在候补名单中", "You are on the waitlist";
    Headcount => "人数", "People";
    Rsvp => "报名", "RSVP";
    JoinWaitlist => "加入候补", "Join the waitlist";
    CancelRsvp => "取消报名", "Cancel my RSVP";
    SeeAll => "全部", "See all";
    EldersToCall => "今天未报平安的长者", "Elders not checked in today";
    AllCheckedIn => "长者们都已报平安", "Every elder has checked in.";
    UrgentNotices => "紧急公告", "Urgent notices";
    FollowUps => "回访", "Follow-ups";
    NoFollowUps => "暂无回访任务", "No follow-ups.";
    // -- Staff entry (代客报修) and routine follow-ups (回访), issue 17 --
    ChannelApp => "业主自报", "App";
    ChannelPhone => "电话", "Phone";
    ChannelWalkIn => "到访", "Walk-in";
    ChannelPatrol => "巡查", "Patrol";
    Channel => "来源", "Channel";
    EnteredBy => "代录人", "Entered by";
    StaffEntry => "代客报修", "Enter for a resident";
    StaffEntryHint => "业主来电或到访时，替业主登记报修或求助；业主照常收到进度并可确认评价。", "When a resident phones or walks in, record the repair or help call for them; they follow it and confirm it as usual.";
    EntryUnit => "房屋", "Unit";
    EntryResident => "住户", "Resident";
    EntryChooseBuilding => "先选择楼栋", "Choose a building first";
    EntryKind => "登记内容", "What to record";
    EntryRepair => "报修", "Repair";
    EntryHelp => "紧急求助", "Help call";
    EntryNotifyFamily => "同时短信通知紧急联系人", "Also text the emergency contacts now";
    EntrySubmit => "代为提交", "Submit for the resident";
    EntryDone => "已代业主登记", "Recorded for the resident";
    ErrChannel => "请选择来源（电话、到访或巡查）", "Choose how it came in (phone, walk-in or patrol).";
    ErrResidentNotInUnit => "该住户不住在所选房屋", "That person does not live in the chosen unit.";
    ErrUnitNoResident => "该房屋没有登记住户，无法代报", "No one is registered in that unit, so nothing can be entered for it.";
    ErrOnBehalfHelp => "紧急求助只能代该房屋的住户登记", "A help call can only be entered for a resident of that unit.";
    FuReasonLowRating => "低分评价", "Low rating";
    FuReasonCritical => "紧急维修", "Critical job";
    FuReasonReopened => "返修", "Reopened job";
    FuReasonComplaint => "投诉", "Complaint";
    FuReasonSampled => "例行抽访", "Routine sample";
    FuScriptLowRating => "您好，我是您的管家。看到您对这次维修不太满意，想了解具体哪里没做好，我们一定改进。", "Hello, this is your butler. I saw you were not happy with this repair; may I ask what went wrong, so we can put it right?";
    FuScriptCritical => "您好，我是您的管家。前几天的紧急维修处理完了，想确认一下现在一切正常吗？有没有安全隐患？", "Hello, this is your butler. The emergency repair the other day is closed; is everything working and safe now?";
    FuScriptReopened => "您好，我是您的管家。这次维修返修过，想确认这回彻底修好了吗？", "Hello, this is your butler. This repair had to be redone; is it properly fixed this time?";
    FuScriptComplaint => "您好，我是您的管家。关于您反映的问题，想了解处理结果您是否满意，还有什么需要我们做的。", "Hello, this is your butler. About the matter you raised: are you satisfied with how it was handled, and is there anything more we should do?";
    FuScriptSampled => "您好，我是您的管家，做个简短回访：这次维修师傅的服务和修理效果您满意吗？", "Hello, this is your butler with a short follow-up: were you happy with the service and the repair?";
    FuSatisfied => "满意", "Satisfied";
    FuUnsatisfied => "不满意", "Not satisfied";
    FuDue => "待回访", "Due";
    FuOverdue => "已逾期", "Overdue";
    FuOnTime => "按时完成", "Done on time";
    FuLate => "逾期完成", "Done late";
    FuDueBy => "截止", "Due by";
    FuScript => "话术", "Script";
    FuRecord => "记录回访结果", "Record the outcome";
    FuReopened => "已重新打开原报修", "The job was reopened";
    FuNewRequest => "已新建关联报修", "A new linked request was opened";
    FuNote => "业主反馈", "What the resident said";
    FollowUpOnTime => "回访按时", "Follow-ups on time";
    FollowUpLate => "回访逾期完成", "Follow-ups late";
    FollowUpOverdue => "回访逾期未做", "Follow-ups overdue";
    FollowUpRules => "回访规则", "Follow-up rules";
    FuSampleEvery => "其余工单每几单抽访一单（0 为不抽访）", "Sample one in this many other jobs (0: none)";
    FuLowStars => "评分不高于几星时回访（0 为不回访）", "Follow up ratings of at most this many stars (0: none)";
    FuDueHours => "回访时限（小时）", "Due within (hours)";
    FuCritical => "紧急维修必回访", "Every critical job";
    FuReopenedRule => "返修必回访", "Every reopened job";
    FuComplaints => "投诉必回访", "Every complaint";
    ErrFollowUpDone => "该回访已完成", "This follow-up is already done.";
    ErrFollowUpNote => "请记录业主不满意的原因", "Note why the resident is not satisfied.";
    ErrFollowUpOutcome => "请选择满意或不满意", "Choose satisfied or not satisfied.";
    Units => "户数", "Units";
    Assign => "指派", "Assign";
    AddBuilding => "新增楼栋", "Add a building";
    BuildingNumber => "楼号", "Number";
    BuildingName => "名称（可不填）", "Name (optional)";
    Add => "添加", "Add";
    ImportUnits => "导入房屋（CSV）", "Import units (CSV)";
    ImportHint => "每行：楼号,房号", "One per line: building number,unit number";
    Import => "导入", "Import";
    Deactivate => "停用", "Deactivate";
    Reactivate => "恢复", "Reactivate";
    AddPerson => "新增员工", "Add staff";
    Role => "角色", "Role";
    InitialPassword => "初始密码（至少 8 位）", "Initial password (8+ characters)";
    HelpStaffSecs => "求助无人响应多少秒后通知所有值班人员", "Seconds before an unanswered call alerts all staff";
    HelpContactsSecs => "求助无人响应多少秒后通知紧急联系人", "Seconds before an unanswered call notifies family";
    CheckInBy => "长者每日报平安截止时间", "Daily check-in due by";
    Action => "操作", "Action";
    Period => "时间段", "Period";
    PeriodDay => "最近 1 天", "Last day";
    PeriodWeek => "最近 7 天", "Last 7 days";
    PeriodMonth => "最近 30 天", "Last 30 days";
    PeriodQuarter => "最近 90 天", "Last 90 days";
    ScJobs => "工单", "Jobs";
    ScRating => "评分", "Rating";
    ScRespondMedian => "响应中位数", "Median response";
    ScRespondP90 => "响应 P90", "P90 response";
    ScRespondedInSla => "按时响应", "Responded in time";
    ScResolvedInSla => "按时完成", "Resolved in time";
    ScFirstTimeFix => "一次修好", "First-time fix";
    ScReopen => "返修率", "Reopened";
    ScHelp60 => "求助 60 秒内响应", "Help calls answered in 60 s";
    ScCheckIn => "报平安覆盖率", "Check-in coverage";
    ChartTitle => "{name} 每日工单数（柱）与按时完成率（线）", "{name}: jobs per day (bars) and resolved in time (line)";
    ChartNumbers => "查看数字", "Show the numbers";
    NoRatingsYet => "暂无评分", "No ratings yet";
    JobsDoneThisMonth => "本月完成工单", "Jobs done this month:";
    NoButler => "您的楼栋暂未指派管家", "Your building has no butler assigned yet.";

    // --- repair screens
    WhatIsBroken => "哪里需要维修？", "What needs fixing?";
    DescribeOptional => "补充说明（可不填）", "Anything to add? (optional)";
    DescribePlaceholder => "例如：厨房水龙头一直滴水", "e.g. the kitchen tap keeps dripping";
    AddPhotos => "拍照或选照片（最多 6 张）", "Take or choose photos (up to 6)";
    PhotosHint => "照片会自动去除位置等信息", "Location and other hidden data are removed from photos.";
    Urgency => "紧急程度", "Urgency";
    UrgencySuggested => "按类别建议", "As suggested";
    Sending => "正在提交…", "Sending…";
    SendReport => "提交报修", "Send report";
    TimeLeft => "剩余", "left";
    Overdue => "已超时", "overdue by";
    NoJobs => "暂无工单", "No jobs.";
    InProgressJobs => "处理中", "In progress";
    PastJobs => "已完成", "Finished";
    OpenJobs => "未完成", "Open";
    Building => "楼栋", "Building";
    All => "全部", "All";
    Status => "状态", "Status";
    Filter => "筛选", "Filter";
    OnHoldBecause => "暂停原因：", "On hold:";
    ExpectedAt => "预计", "expected";
    YourRating => "评价", "Rating";
    RespondBy => "响应时限", "Respond by";
    ResolveBy => "完成时限", "Resolve by";
    Call => "打电话", "Call";
    Assignee => "维修人员", "Technician";
    Actions => "操作", "Actions";
    HoldReason => "暂停原因（必填）", "Reason for the hold (required)";
    CancelReason => "取消原因（必填）", "Reason for cancelling (required)";
    NoteOptional => "备注（可不填）", "Note (optional)";
    RateThisJob => "给这次维修打分", "Rate this repair";
    Stars => "星级", "Stars";
    CommentOptional => "说点什么（可不填）", "Comments (optional)";
    SubmitRating => "提交评价", "Submit rating";
    Timeline => "处理记录", "Timeline";

    // --- repairs
    UrgencyNormal => "普通", "Normal";
    UrgencyUrgent => "紧急", "Urgent";
    UrgencyCritical => "特急", "Critical";
    CatElevatorEntrapment => "电梯困人", "Trapped in elevator";
    CatGasLeak => "燃气泄漏", "Gas leak";
    CatFire => "火情", "Fire";
    CatFlooding => "水浸", "Flooding";
    CatNoWater => "停水", "No water";
    CatNoPower => "停电", "No power";
    CatDoorLock => "门锁故障", "Door lock broken";
    CatElevator => "电梯故障", "Elevator fault";
    CatLeak => "漏水滴水", "Leak or drip";
    CatDrain => "下水堵塞", "Blocked drain";
    CatLight => "灯不亮", "Light out";
    CatOther => "其他", "Other";
    StSubmitted => "已提交", "Submitted";
    StAcknowledged => "管家已受理", "Acknowledged";
    StAssigned => "已派工", "Assigned";
    StEnRoute => "师傅在路上", "On the way";
    StInProgress => "维修中", "In progress";
    StOnHold => "暂停", "On hold";
    StResolved => "已修好，待确认", "Resolved, please confirm";
    StConfirmed => "已确认", "Confirmed";
    StRated => "已评价", "Rated";
    StCancelled => "已取消", "Cancelled";
    StReopened => "未修好，重新处理", "Reopened";
    ActAcknowledge => "受理", "Acknowledge";
    ActAssign => "派工", "Assign";
    ActStartTravel => "出发", "On my way";
    ActStartWork => "开始维修", "Start work";
    ActHold => "暂停", "Put on hold";
    ActResume => "继续", "Resume";
    ActResolve => "完成维修", "Mark resolved";
    ActConfirm => "确认修好", "Confirm it's fixed";
    ActReopen => "没修好", "Not fixed";
    ActCancel => "取消报修", "Cancel";
    TagFast => "响应快", "Quick";
    TagPolite => "态度好", "Polite";
    TagTidy => "干净整洁", "Tidy";
    TagFixedFirstTime => "一次修好", "Fixed first time";
    TagSlow => "太慢", "Too slow";
    TagNotFixed => "没修好", "Not really fixed";
    SlaOnTrack => "按时进行", "On track";
    SlaWarning => "即将超时", "Nearly due";
    SlaBreached => "已超时", "Overdue";
    SlaPaused => "计时暂停", "Clock paused";
    SlaMet => "按时完成", "Met";
    SlaMissed => "超时完成", "Late";
    // --- outage notices (issue 18): kinds, the line a resident reads, forms, errors
    OutageWater => "停水", "water outage";
    OutagePower => "停电", "power outage";
    OutageElevator => "电梯停运", "elevator outage";
    OutageGas => "燃气停供", "gas outage";
    OutageWholeCommunity => "全小区", "the whole community";
    OutageLine => "{place}{kind}，预计 {time} 恢复", "{place}: {kind}, expected back by {time}";
    OutageKindLabel => "停运类型", "Kind of outage";
    OutageKindNone => "（不是停运通知）", "(not an outage)";
    OutageExpectedEnd => "预计恢复时间", "Expected back by";
    OutageKnown => "已知停运", "Known outage";
    OutageDuplicateHint => "物业已知晓并在处理，无需重复报修。", "The property office knows and is on it; no need to report it again.";
    OutageMarkAffected => "我家也受影响", "We are affected too";
    OutageAffectedDone => "已登记受影响，恢复后会通知您", "Noted that you are affected; you will be told when it is back.";
    OutageReportAnyway => "仍要报修", "Report anyway";
    OutageAffectedCount => "受影响户数", "Households affected";
    OutageLinkedJobs => "关联报修", "Linked reports";
    OutageEnded => "已恢复", "Back to normal";
    OutageEnd => "结束停运", "End the outage";
    OutageExtend => "延长预计时间", "Extend the expected end";
    OutageOnJob => "此报修与停运通知关联，停运结束时将一并处理", "This report is linked to an outage notice and will be resolved when the outage ends";
    OutageResolvedNote => "停运已结束，此报修随之处理。如仍有问题，请点“重新报修”。", "The outage is over, so this report was resolved with it. If the problem remains, press Reopen.";
    OutageOverdue => "停运已过预计恢复时间", "Outage past its expected end";
    ErrOutageKind => "请选择停运类型（停水、停电、电梯停运、燃气）", "Choose the kind of outage (water, power, elevator, gas).";
    ErrOutageKindCategory => "只有停水停电类通知可以填写停运类型", "Only an outage notice can carry a kind of outage.";
    ErrOutageEndRequired => "请填写预计恢复时间", "Enter when it is expected to be back.";
    ErrOutageEnded => "该停运已结束", "This outage has already ended.";
    // --- recurring passes 长期访客 (issue 18)
    ReasonPaused => "已暂停", "Paused";
    ReasonOutsideSchedule => "不在通行时段", "Outside its schedule";
    RefusedOutsideSchedule => "不在通行时段，下次可通行：{when}", "Outside the pass's schedule; the next window opens {when}.";
    RefusedNoWindowLeft => "不在通行时段，此通行证已无后续时段", "Outside the pass's schedule; it has no window left.";
    WeekdayMon => "周一", "Mon";
    WeekdayTue => "周二", "Tue";
    WeekdayWed => "周三", "Wed";
    WeekdayThu => "周四", "Thu";
    WeekdayFri => "周五", "Fri";
    WeekdaySat => "周六", "Sat";
    WeekdaySun => "周日", "Sun";
    EveryDay => "每天", "Every day";
    ErrScheduleNoDays => "请至少选择一天", "Choose at least one day.";
    ErrScheduleNoWindow => "所选日期内没有可通行的日子", "None of the chosen days falls between the start and end dates.";
    ErrScheduleTooLong => "长期通行证最长一年", "A recurring pass can last at most a year.";
    ErrScheduleFields => "长期访客需要填写通行日、时段和起止日期", "A recurring pass needs days, a time window and start and end dates.";
    ErrNotElderHome => "只能为自己楼栋的长者住户办理", "Only for an elder's home in your own buildings.";
    ErrNotRecurring => "只有长期通行证可以暂停", "Only a recurring pass can be paused.";
    PassKindSingle => "临时访客", "One visit";
    PassKindRecurring => "长期访客", "Recurring (长期访客)";
    RecurringHint => "保姆、护工、家教等定期来访：按星期和时段通行，同一个链接和二维码每次都能用。", "Carers, helpers, tutors who come regularly: admitted on the chosen days and hours, with the same link and QR code every time.";
    ScheduleDays => "通行日", "Days";
    ScheduleFrom => "每天从", "Daily from";
    ScheduleUntil => "到", "Until";
    ScheduleStart => "开始日期", "Start date";
    ScheduleEnd => "结束日期（最长一年）", "End date (a year at most)";
    ScheduleLabel => "通行时段：", "Schedule:";
    NextWindow => "下次可通行：", "Next visit:";
    OpenNow => "现在可通行：", "Open now:";
    NoWindowLeft => "已无后续时段", "No window left";
    PausePass => "暂停", "Pause";
    ResumePass => "恢复", "Resume";
    RecurringTag => "长期", "Recurring";
    LongTermPasses => "长期访客通行证", "Recurring passes";
    NoLongTermPasses => "暂无有效的长期访客通行证", "No active recurring passes.";
    ElderUnitOptional => "长者住户（管家代办）", "Elder's home (butler)";
    NextPageLink => "下一页", "Next page";
    // Paging of every list (issue 19: no silent truncation).
    ErrBadCursor => "分页位置无效，请从第一页重新加载", "The page position is not valid; reload from the first page.";
    ErrBadLimit => "每页条数须在 1 到 {max} 之间", "The page size must be between 1 and {max}.";
    LoadMore => "加载更多", "Load more";
    FirstPageLink => "回到第一页", "First page";
    OpenJobsCount => "共 {n} 单，其中 {m} 单超时", "Open jobs: {n}, of which {m} breached";
    ListCount => "共 {n} 条", "{n} in all";
    FollowUpsOpenCount => "待回访 {n} 条", "{n} follow-ups to do";
    MoreRowsFollow => "还有更多，请加载下一页", "More rows follow; load the next page.";
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
        // A weight of 0 refuses the language; others match by primary subtag.
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("zh;q=0, en;q=0.1"), Lang::En);
        assert_eq!(Lang::from_accept_language("en-GB;q=0.5, zh-Hant;q=0.000"), Lang::En);
        assert_eq!(Lang::from_accept_language("eng, enx"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("en;q=7, zh;q=0.9"), Lang::En);
    }

    #[test]
    fn messages_exist_in_both_languages() {
        assert_eq!(Msg::SignIn.text(Lang::Zh), "登录");
        assert_eq!(Msg::SignIn.text(Lang::En), "Sign in");
        assert_ne!(Msg::ErrNotFound.text(Lang::Zh), Msg::ErrNotFound.text(Lang::En));
    }

    #[test]
    fn every_wire_name_is_serdes_and_reads_back() {
        assert_eq!(ALL.len(), DERIVED.len());
        for (i, (msg, derived)) in ALL.iter().zip(DERIVED).enumerate() {
            assert_eq!(*msg as usize, i);
            let ours = serde_json::to_string(msg).unwrap_or_default();
            assert_eq!(ours, serde_json::to_string(derived).unwrap_or_default(), "{msg:?}");
            assert_eq!(serde_json::from_str::<Msg>(&ours).ok(), Some(*msg));
        }
        assert!(serde_json::from_str::<Msg>("\"no_such_message\"").is_err());
        assert!(serde_json::from_str::<Msg>("7").is_err());
    }

    #[test]
    fn msg_serializes_as_snake_case() {
        let json = serde_json::to_string(&Msg::ErrInvalidCredentials).unwrap_or_default();
        assert_eq!(json, "\"err_invalid_credentials\"");
    }
}
