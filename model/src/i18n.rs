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

    /// Picks the first supported language of an `Accept-Language` header,
    /// honouring q-values; Chinese when nothing matches.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Self)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
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
    ErrMethodNotAllowed => "不支持这种请求方式", "This method is not allowed here.";
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
    ErrJobChanged => "工单刚被其他人更新，请刷新后重试", "Someone else just updated this job. Reload and try again.";
    ErrUnknownAction => "未知操作", "Unknown action.";
    ErrAssigneeRequired => "请选择维修人员", "Choose who will do the work.";
    ErrAssigneeInvalid => "该人员不能接此工单", "That person cannot take this job.";
    ErrHoldReason => "请说明暂停原因", "Say why the job is on hold.";
    ErrEtaPast => "预计时间不能早于现在", "The expected time cannot be in the past.";
    ErrCancelReason => "请说明取消原因", "Say why the job is cancelled.";
    ErrStars => "请选择 1 到 5 颗星", "Choose 1 to 5 stars.";
    ErrTags => "评价标签无效", "Unknown rating tag.";
    ErrAlreadyRated => "您已经评价过了", "You have already rated this.";
    ErrNotYetRatable => "修好后才能评价", "You can rate once the job is resolved.";
    ErrButlerInvalid => "请选择本小区在职的管家", "Choose an active butler of this community.";
    ErrClientKey => "请求标识无效", "Invalid request key.";
    ErrOutcomeRequired => "请选择处理结果", "Choose how the call ended.";
    ErrCallChanged => "求助刚被其他人更新，请刷新后重试", "Someone else just updated this call. Reload and try again.";
    ErrPlate => "车牌格式不正确，例如：粤B12345", "That is not a valid plate, e.g. 粤B12345.";
    ErrWindowOrder => "结束时间必须晚于开始时间", "The end must be after the start.";
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
