//! Chinese text for every finding rule (summary, why, fix) and the Chinese clauses it rests on,
//! for reports written in Chinese (`--lang zh`). The English text stays in [`super::registry`].
//! The clauses are cited by instrument and item (the list is in docs/ARCHITECTURE.md,
//! "Regulatory basis"), each with what the item requires.

use crate::model::RuleId;

/// A rule's Chinese text.
#[derive(Debug, Clone, Copy)]
pub struct ZhText {
    /// One line.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix.
    pub fix: &'static str,
    /// The clauses it rests on, in Chinese.
    pub clauses: &'static [&'static str],
}

const RD_2_1: &str = "《App违法违规收集使用个人信息行为认定方法》二.1：未逐一列出App（包括委托的第三方或嵌入的第三方代码、插件）收集使用个人信息的目的、方式、范围等";
const RD_2_3: &str = "《认定方法》二.3：在申请打开可收集个人信息的权限，或申请收集用户身份证号、银行账号、行踪轨迹等个人敏感信息时，未同步告知用户其目的";
const RD_3_3: &str =
    "《认定方法》三.3：实际收集的个人信息或打开的可收集个人信息权限超出用户授权范围";
const RD_3_9: &str = "《认定方法》三.9：违反其所声明的收集使用规则，收集使用个人信息";
const RD_4_1: &str =
    "《认定方法》四.1：收集的个人信息类型或打开的可收集个人信息权限与现有业务功能无关";
const RD_5_1: &str = "《认定方法》五.1：既未经用户同意，也未做匿名化处理，App客户端直接向第三方提供个人信息，包括通过客户端嵌入的第三方代码、插件等方式向第三方提供个人信息";
const PIPL_17: &str = "《个人信息保护法》第十七条：处理个人信息前，应当以显著方式、清晰易懂的语言真实、准确、完整地告知处理目的、处理方式，处理的个人信息种类、保存期限等事项";
const PIPL_23: &str = "《个人信息保护法》第二十三条：向其他个人信息处理者提供其处理的个人信息的，应当告知接收方的名称或者姓名、联系方式、处理目的、处理方式和个人信息的种类，并取得个人的单独同意";
const PIPL_51: &str =
    "《个人信息保护法》第五十一条：采取相应的加密、去标识化等安全技术措施，防止未经授权的访问以及个人信息泄露、篡改、丢失";
const MIIT_26: &str = "工信部信管函〔2023〕26号《关于进一步提升移动互联网应用服务能力的通知》：加强SDK使用管理，公开明示SDK基本信息以及个人信息处理规则";
const MIIT_292: &str = "工信部信管函〔2021〕292号：在隐私政策二级菜单中建立已收集个人信息清单和与第三方共享个人信息清单（含嵌入的SDK）";
const MIIT_164: &str = "工信部信管函〔2020〕164号：APP、SDK违规收集、超范围收集个人信息的专项整治";
const GBT_41391_66: &str = "GB/T 41391-2022《信息安全技术 移动互联网应用程序（App）收集个人信息基本要求》§6.6：公开第三方的名称、使用目的、收集方式和所收集的个人信息类型";
const GBT_41391_65: &str = "GB/T 41391-2022 §6.5：不申请与业务功能无关的系统权限，申请时告知目的";
const TC260_PERM: &str =
    "TC260-PG-20204A《网络安全标准实践指南—移动互联网应用程序（App）系统权限申请使用指南》";
const RD_3_1: &str =
    "《认定方法》三.1：在征得用户同意前就开始收集个人信息或打开可收集个人信息的权限";
const MIIT_164_1_1: &str =
    "工信部信管函〔2020〕164号 一.1：APP、SDK违规收集个人信息（未经同意收集、超范围收集）";
const GBT_41391_64: &str = "GB/T 41391-2022 §6.4：收集个人信息前告知用户并征得同意";
const GBT_35273_63: &str =
    "GB/T 35273-2020《信息安全技术 个人信息安全规范》§6.3：个人敏感信息的传输和存储";
const GBT_35273_97: &str = "GB/T 35273-2020 §9.7：第三方接入管理（对嵌入的SDK进行技术检测，确保其收集个人信息的行为符合约定）";

/// The Chinese text of a rule.
pub fn zh(rule: RuleId) -> ZhText {
    match rule {
        RuleId::UndisclosedSdk => ZhText {
            summary: "App中检测到的SDK未在隐私政策中披露。",
            why: "嵌入的SDK收集个人信息而未披露，监管部门和应用商店将其认定为App自身的违规行为；这是工信部通报中最常见的问题。",
            fix: "在隐私政策的第三方SDK清单中为该SDK增加一行：SDK名称、第三方主体全称、使用目的、收集的个人信息类型和SDK隐私政策链接（可用 `appaudit draft` 生成）。如不需要该SDK，请从构建中移除。",
            clauses: &[RD_2_1, RD_5_1, PIPL_23, MIIT_26, MIIT_292, GBT_41391_66],
        },
        RuleId::DisclosedSdkNotFound => ZhText {
            summary: "隐私政策列出的SDK在App中未发现。",
            why: "隐私政策应如实描述App的实际行为；过时的条目说明清单未被维护，也使用户无法判断实际接收数据的第三方。",
            fix: "删除该条目；如SDK以静态分析无法发现的方式加载（动态下发插件、服务端集成），请在该条目中注明。如App经过加固，请对未加固的包重新审计。",
            clauses: &[MIIT_26, PIPL_17],
        },
        RuleId::SdkVendorMismatch => ZhText {
            summary: "隐私政策中的SDK条目未写明第三方主体，或写错了主体。",
            why: "《个人信息保护法》要求告知接收方名称；缺失或错误的法律主体使用户无法向接收方行使权利。",
            fix: "在该条目中写明SDK提供方的公司全称（知识库中的 vendor_zh，例如极光推送为深圳市和讯华谷信息技术有限公司）。",
            clauses: &[PIPL_23, MIIT_26],
        },
        RuleId::SdkDisclosedInProseOnly => ZhText {
            summary: "SDK仅在隐私政策正文中被提及，SDK清单中没有对应条目。",
            why: "监管要求逐一列出SDK的主体、目的和收集的个人信息；正文中的顺带提及通常不包含这些内容。",
            fix: "将该SDK移入SDK清单，并补全各项内容。",
            clauses: &[RD_2_1, MIIT_26],
        },
        RuleId::UndisclosedPermission => ZhText {
            summary: "App申请了可收集个人信息的权限，隐私政策未提及。",
            why: "每项可收集个人信息的权限都应在隐私政策中说明目的；未披露的权限是工信部检测的常规项目。",
            fix: "在隐私政策的权限清单中增加该权限、使用目的和对应的业务功能，或从清单文件中删除该权限。",
            clauses: &[RD_2_1, RD_2_3, PIPL_17, TC260_PERM, GBT_41391_65],
        },
        RuleId::DisclosedPermissionNotRequested => ZhText {
            summary: "隐私政策提到的权限App并未申请。",
            why: "对用户无害，但说明隐私政策与App实际情况不一致。",
            fix: "删除相关文字，或确认是否由其他构建版本申请该权限。",
            clauses: &[PIPL_17, RD_4_1],
        },
        RuleId::UndisclosedDataAccess => ZhText {
            summary: "代码调用了收集某类个人信息的接口，隐私政策从未提及该类信息。",
            why: "监管检测App的实际行为；未披露即收集设备标识符、应用列表、剪切板等信息是典型违规。",
            fix: "在隐私政策中披露该类信息及其目的，或删除该调用（多数情况下可通过SDK配置关闭）。",
            clauses: &[RD_2_1, RD_3_3, RD_3_9, PIPL_17, MIIT_164],
        },
        RuleId::SdkDataNotDisclosed => ZhText {
            summary: "SDK代码收集的个人信息类型未在其SDK条目中列出。",
            why: "隐私政策应说明每个第三方收集哪些信息；在其他地方笼统提及不能说明该SDK收集了它。",
            fix: "在该SDK的条目中补充该类信息，或配置SDK不再收集。",
            clauses: &[PIPL_23, RD_2_1, MIIT_26, GBT_35273_97],
        },
        RuleId::PackedApp => ZhText {
            summary: "App经过加固，代码被隐藏：对DEX内容的审计不完整。",
            why: "真实的类在运行时才解密，因此本报告发现的SDK和数据访问只是下限。",
            fix: "同时审计加固前的构建；如加固SDK收集数据，请在SDK清单中保留其条目。",
            clauses: &[RD_2_1],
        },
        RuleId::DebuggableRelease => ZhText {
            summary: "App以 android:debuggable=\"true\" 构建。",
            why: "可调试的App允许任何通过USB连接的人读取其数据并附加调试器，绝不能发布。",
            fix: "构建release版本（默认不可调试），并从清单文件中删除该属性。",
            clauses: &[GBT_35273_63, "OWASP MASVS-RESILIENCE"],
        },
        RuleId::CleartextTraffic => ZhText {
            summary: "App允许明文（HTTP）通信。",
            why: "通过HTTP发送的个人信息可在网络上被窃听和篡改。",
            fix: "删除 usesCleartextTraffic 或设为 false；仅在无法避免时通过网络安全配置按域名放行明文。",
            clauses: &[PIPL_51, GBT_35273_63],
        },
        RuleId::AllowBackup => ZhText {
            summary: "App的数据可通过 adb backup 导出。",
            why: "备份会暴露App保存的令牌和个人信息。",
            fix: "设置 android:allowBackup=\"false\"，或定义排除个人数据的备份规则。",
            clauses: &[PIPL_51, GBT_35273_63],
        },
        RuleId::ExportedWithoutPermission => ZhText {
            summary: "组件未设权限即可被其他App访问。",
            why: "其他App可以启动或读取该组件，可能泄露个人信息或触发操作。",
            fix: "对无需外部访问的组件设置 android:exported=\"false\"，或以签名级权限保护。",
            clauses: &[PIPL_51, "OWASP MASVS-PLATFORM-1"],
        },
        RuleId::TamperedArchive => ZhText {
            summary: "APK的zip结构含有Android可容忍、但分析工具可能无法读取的手法。",
            why: "标准构建工具不会写出这些结构；加固和恶意软件借此让分析工具无法读取APK而其仍可安装。篡改本身就是一个信号，App的部分内容可能对本次审计不可见。",
            fix: "用标准工具链（aapt2、zipalign、apksigner）重新构建APK并审计该构建；若发布流程不应产生这些结构，查明来源（加固服务、第三方工具或被篡改的构建步骤）。",
            clauses: &[
                "OWASP MASVS-RESILIENCE：应用完整性与防篡改",
                "CVE-2017-13156（Janus）：在APK前拼接DEX数据仍可通过安装校验",
            ],
        },
        RuleId::TamperedManifest => ZhText {
            summary: "二进制 AndroidManifest.xml 含有Android编译器不会写出的结构。",
            why: "aapt/aapt2 只写出一种布局；为使反编译工具（apktool、androguard、jadx）崩溃或误读而构造的清单，会向审查者隐藏App声明的内容，而Android仍能读取。",
            fix: "从源码用 aapt2 重新生成清单并审计该构建；若构建不应产生这些结构，查明是哪个工具改写了清单。",
            clauses: &[
                "OWASP MASVS-RESILIENCE：应用完整性与防篡改",
            ],
        },
        RuleId::SdkInitBeforeConsent => ZhText {
            summary: "在用户同意隐私政策之前运行的代码初始化了SDK。",
            why: "SDK一经初始化即开始收集设备标识、网络和应用信息并上报其厂商；在用户同意之前，这就是未经同意的收集，也是监管通报最多的问题。",
            fix: "启动时只调用SDK的预初始化（若有），在用户同意后（同意回调中，或读取已保存的同意状态后）再调用初始化；按厂商合规指南调用其隐私接口（updatePrivacyShow/updatePrivacyAgree、setAgreePrivacy、setAuth等）。静态路径需在真机上确认（首次启动时挂钩该接口）。",
            clauses: &[RD_3_1, MIIT_164_1_1, GBT_41391_64],
        },
        RuleId::DataBeforeConsent => ZhText {
            summary: "在用户同意之前运行的代码读取了设备标识或其他个人信息。",
            why: "在用户同意之前读取这些信息，无论由App还是由其启动的SDK读取，都属于征得同意前收集个人信息。",
            fix: "把读取（或到达读取的代码）移到用户同意之后，或放在同意状态检查之后；若由SDK读取，则在同意后再初始化该SDK。静态路径需在真机上确认。",
            clauses: &[RD_3_1, MIIT_164_1_1, GBT_41391_64],
        },
        RuleId::SdkAutoInitProvider => ZhText {
            summary: "SDK声明了在进程启动时自动初始化的ContentProvider。",
            why: "该Provider随SDK的清单合并进来，在Application.onCreate之前运行，App中的同意检查无法阻止其初始化。",
            fix: "在清单合并时移除（tools:node=\"remove\"）或禁用该Provider，并按厂商指南在用户同意后手动初始化SDK。",
            clauses: &[RD_3_1, MIIT_164_1_1, GBT_41391_64],
        },
        RuleId::BaselineEntryUnmatched => ZhText {
            summary: "基线文件中的条目未匹配任何发现。",
            why: "未匹配的条目已过时：问题已消失，或条目拼写错误而未起作用。",
            fix: "从基线中删除该条目（或用 --write-baseline 重新生成）。",
            clauses: &[],
        },
        RuleId::BaselineEntryExpired => ZhText {
            summary: "基线条目已过期，其发现重新计入结果。",
            why: "接受的风险有期限；到期后应修复问题或重新接受。",
            fix: "修复该发现，或以新的理由和日期续期该条目。",
            clauses: &[],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::registry::RULES;

    #[test]
    fn every_rule_has_chinese_text() {
        for r in RULES {
            let t = zh(r.id);
            assert!(!t.summary.is_empty() && !t.why.is_empty() && !t.fix.is_empty());
            // A rule that cites a clause in English cites one in Chinese too.
            assert_eq!(r.clauses.is_empty(), t.clauses.is_empty(), "{}", r.id);
        }
    }
}
