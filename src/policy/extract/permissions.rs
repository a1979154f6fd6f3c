//! Permissions: items of a permission list, rows of a permission table, and permissions named
//! anywhere else in the text.

use super::{for_each_text, roles, Col};
use crate::policy::blocks::{Block, Table};
use crate::policy::terms::{self, Vocab};
use crate::policy::{PermissionDisclosure, PolicyDoc};

pub(super) fn push_perm(
    doc: &mut PolicyDoc,
    permission: &str,
    text: &str,
    line: usize,
    source: &'static str,
    via: &'static str,
) {
    let same = |p: &&PermissionDisclosure| p.permission == permission;
    let dup = doc.permissions.iter().filter(same).any(|p| {
        // A disclosure as data never hides a later one as a permission.
        (p.via == "permission" || via == "data") && (p.line == line || source == "text")
    });
    if dup {
        return;
    }
    let text: String = text.chars().take(80).collect();
    doc.permissions.push(PermissionDisclosure {
        permission: permission.to_string(),
        text,
        line,
        source,
        via,
        file: None,
    });
}

/// Of the permissions one term names, those the words disclose as such; the others (a later
/// split such as READ_MEDIA_IMAGES, the write half of a read/write pair, coarse beside fine
/// location, privileged, vendor or deprecated variants) are implied only: kept as data.
pub(super) fn primary(ids: &[String], words: &str) -> Vec<(String, &'static str)> {
    use crate::rules::permissions::PermissionCatalog;
    let cat = PermissionCatalog::builtin();
    if ids.len() < 2 {
        // A media word alone (图片, 视频) names the storage that Android 13 split, not the split
        // permission itself; the permission's own name or 权限 does.
        let split = |id: &str| {
            id.contains("READ_MEDIA_")
                && cat
                    .get(id)
                    .and_then(|r| r.added_api)
                    .is_some_and(|a| a >= 33)
        };
        let lw = words.to_lowercase();
        let own = lw.contains("权限") || lw.contains("permission") || lw.contains('_');
        return ids
            .iter()
            .map(|i| {
                (
                    i.clone(),
                    if split(i) && !own {
                        "data"
                    } else {
                        "permission"
                    },
                )
            })
            .collect();
    }
    let plain = |id: &str| {
        cat.get(id).is_some_and(|r| {
            matches!(r.protection_level.as_str(), "dangerous" | "normal") && r.added_api.is_some()
        })
    };
    let api = |id: &str| cat.get(id).and_then(|r| r.added_api).unwrap_or(u32::MAX);
    let base_api = ids.iter().filter(|i| plain(i)).map(|i| api(i)).min();
    let short = |id: &str| id.rsplit('.').next().unwrap_or(id).to_string();
    let lw = words.to_lowercase();
    let says = |ws: &[&str]| ws.iter().any(|w| lw.contains(w));
    ids.iter()
        .map(|id| {
            let s = short(id);
            let later_split = base_api.is_some_and(|b| api(id) >= 29 && api(id) > b);
            // Storage (and the album on it) is read and written: its write half is disclosed with it.
            let write_half = s.starts_with("WRITE_")
                && ids
                    .iter()
                    .any(|o| short(o) == s.replacen("WRITE_", "READ_", 1))
                && !says(&[
                    "写", "修改", "添加", "write", "modify", "存储", "storage", "sd卡", "相册",
                ]);
            let coarse = s == "ACCESS_COARSE_LOCATION"
                && ids.iter().any(|o| short(o) == "ACCESS_FINE_LOCATION")
                && !says(&["粗略", "大致", "大概", "approximate", "coarse"]);
            let implied = !plain(id) || later_split || write_half || coarse;
            (id.clone(), if implied { "data" } else { "permission" })
        })
        .collect()
}

/// Words that negate a statement: `我们不会读取通讯录` discloses nothing.
const NEGATIONS: &[&str] = &[
    "不会",
    "不申请",
    "不收集",
    "不获取",
    "不读取",
    "不调用",
    "不使用",
    "不需要",
    "无需",
    "不涉及",
    "未申请",
    "未使用",
    "不再",
    "并不",
    "不访问",
    "不开启",
    "没有使用",
    "没有申请",
    "没有获取",
    "未获取",
    "已去除",
    "已移除",
    "已删除",
    "已下线",
    "never ",
    "do not ",
    "does not ",
    "don't ",
    "doesn't ",
    "not request",
    "not use",
    "not access",
    "no longer",
    "removed",
    "without ",
];

/// Words that make a sentence a statement about permissions rather than data.
const PERMISSION_CONTEXT: &[&str] = &[
    "权限",
    "permission",
    "授权",
    "申请",
    "开启",
    "打开",
    "允许",
    "调用",
    "访问",
    "allow",
    "grant",
    "access to",
];

/// Words before a Chinese term that make it a permission asked for (`开启相机`, `申请通讯录`).
const ASK_VERBS: &[&str] = &[
    "开启", "申请", "打开", "授权", "授予", "允许", "请求", "访问", "调用",
];

/// Words of a clause on turning permissions off or withdrawing them.
const USER_CONTROL: &[&str] = &["关闭", "撤回", "撤销", "取消授权"];

/// Characters that join the items of one enumeration (`相机、麦克风及通讯录权限`).
fn enumeration_gap(s: &str) -> bool {
    s.chars().count() <= 30 && !s.contains(['，', ',', '。', '；', ';', '：', ':', '!', '！'])
}

/// Whether a Chinese term (at byte range `start..end` of its clause) is stated as a permission:
/// its enumeration ends in 权限 (`相机、麦克风权限`), follows `权限：`, or an asking verb comes just
/// before it (`开启定位`, `申请访问您的通讯录`). A data word in a sentence that mentions
/// permissions elsewhere (`根据您授予的权限，记录IMEI、MAC地址`) is data.
fn stated_as_permission(clause: &str, start: usize, end: usize) -> bool {
    // How to turn permissions off (`您可以在系统设置中关闭位置、通讯录等权限`) is about the user's
    // control, not what the app asks for.
    if USER_CONTROL.iter().any(|w| clause[..start].contains(w)) {
        return false;
    }
    if clause[start..end].contains("权限") {
        return true;
    }
    let after = &clause[end..];
    for w in ["权限", "授权"] {
        if after.find(w).is_some_and(|k| enumeration_gap(&after[..k])) {
            return true;
        }
    }
    let before = &clause[..start];
    if let Some(k) = before.rfind("权限") {
        let rest = &before[k + "权限".len()..];
        if let Some(items) = rest.strip_prefix(['：', ':', '（', '(']) {
            if enumeration_gap(items) {
                return true;
            }
        }
    }
    let near: String = before
        .chars()
        .rev()
        .take(10)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    ASK_VERBS
        .iter()
        .any(|v| near.rfind(v).is_some_and(|k| enumeration_gap(&near[k..])))
}

/// The clause around byte range `at` of `text`: from the previous to the next sentence end.
fn clause(text: &str, start: usize, end: usize) -> &str {
    let stops = ['。', '；', ';', '！', '？', '!', '?', '\n'];
    let from = text[..start].rfind(stops).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let to = text[end..].find(stops).map_or(text.len(), |i| end + i);
    &text[from..to]
}

/// Words that say a permission was taken out (`…权限在最新版本中已去除`), wherever they stand in
/// the clause.
const REMOVALS: &[&str] = &[
    "已去除",
    "已移除",
    "已删除",
    "已下线",
    "不再使用",
    "removed",
];

fn removed(clause: &str) -> bool {
    let l = clause.to_lowercase();
    REMOVALS.iter().any(|w| l.contains(w))
}

/// Whether the words before a term in its clause negate it.
pub(super) fn negated(clause_before: &str) -> bool {
    let l = clause_before.to_lowercase();
    NEGATIONS.iter().any(|n| l.contains(n))
}

pub(super) fn marker_style(m: &str) -> String {
    m.chars()
        .map(|c| {
            if c.is_ascii_digit() || "一二三四五六七八九十".contains(c) || c.is_ascii_lowercase()
            {
                '9'
            } else {
                c
            }
        })
        .collect::<String>()
        .replace("99", "9")
}

/// How a permission list was introduced, which decides where it ends and what its items are.
#[derive(Debug, Clone, PartialEq)]
enum Intro {
    /// A heading (`二、设备权限的调用`, `## 系统权限`, `<h3>`) of this level, or a short title line
    /// (a bold `<p>`, a line of its own: level 7). Every list item up to the next heading of the
    /// same level or above is an item, whatever its marker; a deeper heading that names a
    /// permission is an item too.
    Section(u8),
    /// A list item (`7、下述权限…：`, `2. Permissions we request`) with this marker style: the
    /// items are the list items of one other style that follow it.
    Item(String),
    /// A sentence ending in a colon (`我们会申请以下权限：`): the list items of one style that follow.
    Colon,
}

/// Whether a block opens a permission list, and how.
fn intro_of(b: &Block) -> Option<Intro> {
    let t = b.text().to_lowercase();
    if !(t.contains("权限") || t.contains("permission")) {
        return None;
    }
    let colon = t.trim_end().ends_with(['：', ':']);
    let short_title = t.chars().count() <= 40 && !t.contains(['。', '；', ';']);
    match b {
        Block::Heading { level, .. } => Some(Intro::Section(*level)),
        Block::ListItem { marker, .. } if colon || short_title => {
            Some(Intro::Item(marker_style(marker)))
        }
        Block::Paragraph { .. } if colon => Some(Intro::Colon),
        Block::Paragraph { .. } if short_title => Some(Intro::Section(7)),
        _ => None,
    }
}

/// A line that starts another section: a Chinese section number (`三、…`, `（四）…`, `第五条`)
/// or, after a title-line intro, another short title.
fn is_section_line(text: &str, after_title: bool) -> bool {
    if crate::policy::blocks::zh_heading_level(text).is_some() {
        return true;
    }
    after_title
        && text.chars().count() <= 20
        && !text.contains(['。', '；', ';', '，', ',', '：', ':', '（', '('])
}

/// `相机权限：用于…` or `3.1 相机权限：…` as a paragraph of its own: the title before the colon,
/// when it is short and names a permission.
fn paragraph_item(text: &str, zh: bool) -> Option<String> {
    let body = text.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '．');
    let prefix = &text[..text.len() - body.len()];
    if !prefix.is_empty() && !prefix.contains(['.', '．']) {
        return None;
    }
    let body = body.trim_start();
    let colon = body.find(['：', ':'])?;
    let title = body[..colon].trim();
    let n = title.chars().count();
    if n == 0 || n > 20 || title.contains(['。', '；', ';', '，', ',']) {
        return None;
    }
    names_permission(title, zh).then(|| title.to_string())
}

/// `3.2.1 为了…，我们需要…的权限;` as a paragraph of its own: an item numbered with a multi-level
/// outline number; its title is its first clause.
fn outline_item(text: &str) -> Option<String> {
    let num: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let parts = num.trim_end_matches('.').split('.').count();
    if parts < 2 || num.split('.').any(|p| p.is_empty() && !num.ends_with('.')) {
        return None;
    }
    let rest = text[num.len()..].trim_start();
    let title = item_title(rest);
    (!title.is_empty()).then_some(title)
}

/// Whether a title (an item's first words) names a permission, with the list vocabulary.
fn names_permission(title: &str, zh: bool) -> bool {
    if zh {
        !terms::permissions(Vocab::ZhAll).find(title).is_empty()
    } else {
        !terms::permissions(Vocab::En).find(title).is_empty()
            || !english_list_terms(title).is_empty()
    }
}

/// Items of permission lists, each with the paragraphs that follow it; permission tables, in a
/// permission section or not.
pub(super) fn permission_lists(blocks: &[Block], zh: bool, in_sdk: &[bool], doc: &mut PolicyDoc) {
    let mut i = 0;
    while i < blocks.len() {
        if let Block::Table(tb) = &blocks[i] {
            permission_table(tb, zh, false, doc);
        }
        // A permission list inside an SDK record (`SDK使用的权限：`) is the SDK's, not the app's.
        let sdk = in_sdk.get(i).copied().unwrap_or(false);
        match intro_of(&blocks[i]).filter(|_| !sdk) {
            Some(intro) => i = permission_section(blocks, i, intro, zh, in_sdk, doc).max(i + 1),
            None => i += 1,
        }
    }
    titled_lists(blocks, zh, in_sdk, doc);
}

/// Items in a run of list items that must name permissions for the run to be a permission list.
const MIN_TITLED_ITEMS: usize = 3;

/// A list none of whose introductions says 权限 is still a permission list when most of its items'
/// titles name a permission with the specific words (`1.基于相机的附加服务：…`, `2.基于读取手机状态
/// 和身份信息的…`): a run of list items of one marker style, at least three of them, three in five
/// naming one. Each item is then read as a permission-list item.
fn titled_lists(blocks: &[Block], zh: bool, in_sdk: &[bool], doc: &mut PolicyDoc) {
    let specific = if zh { Vocab::ZhSpecific } else { Vocab::En };
    let mut i = 0;
    while i < blocks.len() {
        let Block::ListItem { marker, .. } = &blocks[i] else {
            i += 1;
            continue;
        };
        let style = marker_style(marker);
        let mut j = i;
        let mut items: Vec<(String, String, usize)> = Vec::new();
        while j < blocks.len() {
            match &blocks[j] {
                Block::ListItem { marker, text, line }
                    if marker_style(marker) == style
                        && !in_sdk.get(j).copied().unwrap_or(false) =>
                {
                    items.push((item_title(text), text.clone(), *line));
                }
                _ => break,
            }
            j += 1;
        }
        let naming = items
            .iter()
            .filter(|(t, _, _)| !terms::permissions(specific).find(t).is_empty())
            .count();
        if items.len() >= MIN_TITLED_ITEMS
            && naming >= MIN_TITLED_ITEMS
            && naming * 5 >= items.len() * 3
        {
            for it in &items {
                perm_item(it, zh, doc);
            }
        }
        i = j.max(i + 1);
    }
}

/// Paragraphs read before the first item of a list (an intro sentence or two).
const MAX_LEAD_PARAGRAPHS: usize = 3;

/// The items of the list introduced at `start`; the index of the first block after it.
fn permission_section(
    blocks: &[Block],
    start: usize,
    intro: Intro,
    zh: bool,
    in_sdk: &[bool],
    doc: &mut PolicyDoc,
) -> usize {
    let mut j = start + 1;
    let mut style: Option<String> = None;
    let mut item: Option<(String, String, usize)> = None; // title, body, line
    let mut lead = 0;
    let flush = |item: &mut Option<(String, String, usize)>, doc: &mut PolicyDoc| {
        if let Some(it) = item.take() {
            perm_item(&it, zh, doc);
        }
    };
    while j < blocks.len() {
        // An SDK record's lines say what the SDK uses: they belong to no item of the app's list.
        // (A table is judged by its own header: `名称 | 用途` in a permission section lists permissions.)
        if in_sdk.get(j).copied().unwrap_or(false)
            && !matches!(blocks[j], Block::Heading { .. } | Block::Table(_))
        {
            flush(&mut item, doc);
            j += 1;
            continue;
        }
        match &blocks[j] {
            Block::Heading { level, text, line } => {
                let Intro::Section(l) = intro else { break };
                if *level <= l {
                    break;
                }
                // A sub-heading: an item when it names a permission, else the end of the items
                // before it (its paragraphs belong to no item).
                flush(&mut item, doc);
                let title = item_title(text);
                if names_permission(&title, zh) {
                    item = Some((title, text.clone(), *line));
                }
            }
            Block::ListItem { marker, text, line } => {
                let st = marker_style(marker);
                match &intro {
                    Intro::Item(own) if *own == st => break,
                    Intro::Item(_) | Intro::Colon => {
                        if style.as_ref().is_some_and(|s| *s != st) {
                            break;
                        }
                    }
                    Intro::Section(_) => {}
                }
                style = Some(st);
                flush(&mut item, doc);
                item = Some((item_title(text), text.clone(), *line));
            }
            Block::Paragraph { text, line } => {
                if is_section_line(text, intro == Intro::Section(7)) {
                    break;
                }
                if let Some(title) = paragraph_item(text, zh).or_else(|| outline_item(text)) {
                    flush(&mut item, doc);
                    item = Some((title, text.clone(), *line));
                } else if let Some(it) = item.as_mut() {
                    it.1.push('\n');
                    it.1.push_str(text);
                } else if lead < MAX_LEAD_PARAGRAPHS {
                    lead += 1;
                } else {
                    break;
                }
            }
            Block::Table(tb) => {
                flush(&mut item, doc);
                permission_table(tb, zh, true, doc);
            }
        }
        j += 1;
    }
    flush(&mut item, doc);
    j
}

pub(super) fn item_title(text: &str) -> String {
    let end = text
        .find(['。', '：', ':', '；', ';'])
        .or_else(|| text.find(". "))
        .unwrap_or(text.len());
    text[..end].trim().to_string()
}

pub(super) fn perm_item(item: &(String, String, usize), zh: bool, doc: &mut PolicyDoc) {
    let (title, body, line) = item;
    let (title_vocab, body_vocab) = if zh {
        (Vocab::ZhAll, Vocab::ZhSpecific)
    } else {
        (Vocab::En, Vocab::En)
    };
    let mut found: Vec<(String, &'static str)> = Vec::new();
    // A long "title", or one with a comma, is a sentence: read it as the body is read.
    let title_vocab = if title.chars().count() > MAX_TITLE_CHARS || title.contains(['，', ',']) {
        body_vocab
    } else {
        title_vocab
    };
    for h in terms::permissions(title_vocab).find(title) {
        found.extend(primary(&h.ids, &h.words));
    }
    if !zh && capability_title(title) {
        // In an English list the title is the capability: "Camera", "Contacts", "Storage".
        found.extend(primary(&english_list_terms(title), title));
    }
    // An item for iOS alone (`蓝牙：iOS系统默认…`) says nothing about the Android app.
    if ios_only(&format!("{title} {body}")) {
        return;
    }
    // The body explains the purpose and often names other things (照片, 网络类型): read it only
    // when the title names no permission, and the title is not a short label of its own that
    // names something else (`剪切板读取：…`).
    let label = {
        let n = title.chars().count();
        (1..=MAX_LABEL_CHARS).contains(&n)
            && body
                .strip_prefix(title.as_str())
                .is_some_and(|r| r.trim_start().starts_with(['：', ':']))
    };
    if found.is_empty() && !label {
        for h in terms::permissions(body_vocab).find(body) {
            // A negated clause of the body (`我们不会读取您的通讯录`) discloses nothing.
            let at = body.find(h.words.as_str()).unwrap_or(0);
            let c = clause(body, at, at + h.words.len());
            let k = c.find(h.words.as_str()).unwrap_or(0);
            if negated(&c[..k]) || removed(c) {
                continue;
            }
            // When the title does not say 权限, a data word of the body (`MAC地址`, `IMEI`) counts
            // only when the body states it as a permission.
            let named = h.words.contains('_') || h.words.contains("permission.");
            if zh
                && !named
                && !title.contains("权限")
                && !stated_as_permission(c, k, k + h.words.len())
            {
                continue;
            }
            found.extend(primary(&h.ids, &h.words));
        }
    }
    if negated(title) {
        return;
    }
    for (p, via) in found {
        push_perm(doc, &p, title, *line, "permission-list", via);
    }
}

/// A title this short before a colon is a label (`剪切板读取：`).
const MAX_LABEL_CHARS: usize = 8;

/// Whether a text speaks of iOS and not of Android.
fn ios_only(text: &str) -> bool {
    let l = text.to_lowercase();
    let word = l.match_indices("ios").any(|(i, _)| {
        let before = l[..i].chars().next_back();
        let after = l[i + 3..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    });
    word && !l.contains("android") && !l.contains("安卓")
}

/// Item titles longer than this are sentences.
const MAX_TITLE_CHARS: usize = 24;

/// Words in an English item title that is a capability (`Camera`, `Location access`), not a
/// sentence about something else, nor a permission's own name (`READ_EXTERNAL_STORAGE`).
const MAX_CAPABILITY_WORDS: usize = 4;

fn capability_title(title: &str) -> bool {
    !title.contains('_') && title.split_whitespace().count() <= MAX_CAPABILITY_WORDS
}

/// English capability words valid inside a permission list only.
pub(super) fn english_list_terms(title: &str) -> Vec<String> {
    let t = title.to_lowercase();
    let mut out = Vec::new();
    let map: &[(&str, &[&str])] = &[
        ("camera", &["android.permission.CAMERA"]),
        ("contacts", &["android.permission.READ_CONTACTS"]),
        ("calendar", &["android.permission.READ_CALENDAR"]),
        (
            "storage",
            &[
                "android.permission.READ_EXTERNAL_STORAGE",
                "android.permission.WRITE_EXTERNAL_STORAGE",
            ],
        ),
        ("notifications", &["android.permission.POST_NOTIFICATIONS"]),
        (
            "location",
            &[
                "android.permission.ACCESS_FINE_LOCATION",
                "android.permission.ACCESS_COARSE_LOCATION",
            ],
        ),
        ("microphone", &["android.permission.RECORD_AUDIO"]),
        ("phone number", &["android.permission.READ_PHONE_NUMBERS"]),
    ];
    for (w, perms) in map {
        if t.split(|c: char| !c.is_ascii_alphanumeric() && c != ' ')
            .any(|part| part.contains(w))
        {
            out.extend(perms.iter().map(|s| s.to_string()));
        }
    }
    out
}

/// A table of permissions (权限名称 | 使用目的): each row's permission cell, through the vocabulary.
///
/// In a permission section the name column of a table with no SDK columns is the permission
/// (名称 | 用途).
pub(super) fn permission_table(t: &Table, zh: bool, in_section: bool, doc: &mut PolicyDoc) {
    let grid = t.grid();
    let header = |want: Col| {
        grid.iter()
            .take(3)
            .enumerate()
            .map(|(i, r)| (i, roles(r)))
            .find(|(_, r)| r.contains(&want))
    };
    let found = match header(Col::Permission) {
        Some((h, cols)) if !cols.contains(&Col::Name) => Some((h, cols, Col::Permission)),
        Some(_) => None,
        None if in_section => header(Col::Name)
            .filter(|(_, cols)| {
                !cols
                    .iter()
                    .any(|c| matches!(c, Col::Vendor | Col::Package | Col::Link))
            })
            .map(|(h, cols)| (h, cols, Col::Name)),
        None => None,
    };
    let Some((h, cols, want)) = found else {
        return;
    };
    let Some(pc) = cols.iter().position(|&c| c == want) else {
        return;
    };
    for row in grid.iter().skip(h + 1) {
        let Some(cell) = row.get(pc) else { continue };
        let line = if cell.line > 0 { cell.line } else { t.line };
        let text = row
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let vocab = if zh { Vocab::ZhAll } else { Vocab::En };
        let by_hit = |v: Vocab, t: &str| -> Vec<(String, &'static str)> {
            terms::permissions(v)
                .find(t)
                .into_iter()
                .flat_map(|h| primary(&h.ids, &h.words))
                .collect()
        };
        let mut found = by_hit(vocab, &cell.text);
        if !zh && capability_title(&cell.text) {
            found.extend(primary(&english_list_terms(&cell.text), &cell.text));
        }
        if found.is_empty() {
            found = by_hit(if zh { Vocab::ZhSpecific } else { Vocab::En }, &text);
        }
        if negated(&text) && !text.contains("android.permission.") {
            continue;
        }
        for (p, via) in found {
            push_perm(doc, &p, &cell.text, line, "permission-list", via);
        }
    }
}

/// Permissions named anywhere else: the Android name written out (`android.permission.X`, a
/// vendor's `com.x.permission.Y`, a catalogue name such as `READ_PHONE_STATE`), or a specific term.
/// A term counts as a permission statement when its clause speaks of permissions (申请…权限,
/// allow access to …) and is not negated; otherwise it is kept as data (`via: "data"`). Lines of
/// SDK records (`in_sdk`) describe what an SDK uses, not the app: data at most.
pub(super) fn permission_text(blocks: &[Block], zh: bool, in_sdk: &[bool], doc: &mut PolicyDoc) {
    let vocab = if zh { Vocab::ZhSpecific } else { Vocab::En };
    for (bi, b) in blocks.iter().enumerate() {
        let sdk = in_sdk.get(bi).copied().unwrap_or(false);
        // An item whose title disclaims its permission (`通知权限(当前版本没有使用该权限)：…`)
        // discloses it nowhere in its text.
        let title = item_title(b.text());
        if title.chars().count() <= MAX_TITLE_CHARS * 2
            && (negated(&title) || removed(&title))
            && names_permission(&title, zh)
        {
            continue;
        }
        for_each_text(std::slice::from_ref(b), |text, line| {
            text_permissions(text, line, sdk, vocab, doc)
        });
    }
}

fn text_permissions(text: &str, line: usize, in_sdk: bool, vocab: Vocab, doc: &mut PolicyDoc) {
    if matches!(vocab, Vocab::ZhSpecific) && !in_sdk {
        // An umbrella word right before 权限 names the permission (`位置信息权限`, `日历权限`).
        for h in terms::permissions(Vocab::ZhAll).find(text) {
            let (start, end) = (h.start, h.start + h.words.len());
            if !text.get(end..).is_some_and(|a| a.starts_with("权限")) {
                continue;
            }
            let c = clause(text, start, end);
            // The clause starts at or before the term: the term's offset in it.
            let from = c.as_ptr() as usize - text.as_ptr() as usize;
            let k = start.saturating_sub(from).min(c.len());
            if negated(&c[..k]) || removed(c) || USER_CONTROL.iter().any(|w| c[..k].contains(w)) {
                continue;
            }
            for (p, v) in primary(&h.ids, &h.words) {
                push_perm(doc, &p, &h.words, line, "text", v);
            }
        }
    }
    {
        for (name, start, end) in written_names(text) {
            if in_sdk {
                continue;
            }
            let c = clause(text, start, end);
            let before = &c[..c.find(name.as_str()).unwrap_or(0)];
            if !negated(before) {
                push_perm(doc, &name, &name, line, "name", "permission");
            }
        }
        for h in terms::permissions(vocab).find(text) {
            let named = h.words.contains('_') || h.words.contains("permission.");
            let source = if named { "name" } else { "text" };
            let (start, end) = text
                .find(h.words.as_str())
                .map_or((0, 0), |s| (s, s + h.words.len()));
            let c = clause(text, start, end);
            let before = &c[..c.find(h.words.as_str()).unwrap_or(0)];
            if negated(before) || removed(c) {
                continue;
            }
            let lc = c.to_lowercase();
            let context = named
                || if matches!(vocab, Vocab::En) {
                    PERMISSION_CONTEXT.iter().any(|w| lc.contains(w))
                } else {
                    let at = c.find(h.words.as_str()).unwrap_or(0);
                    stated_as_permission(c, at, at + h.words.len())
                };
            let via = if context && !in_sdk {
                "permission"
            } else {
                "data"
            };
            for (p, v) in primary(&h.ids, &h.words) {
                let v = if via == "permission" { v } else { via };
                push_perm(doc, &p, &h.words, line, source, v);
            }
        }
    }
}

/// Permission names written out: `android.permission.X` and `<package>.permission.X`; the full
/// name and its byte range.
fn written_names(text: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text[from..].find(".permission.") {
        let at = from + pos;
        let tail_start = at + ".permission.".len();
        let tail_end = text[tail_start..]
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .map_or(text.len(), |e| tail_start + e);
        let head_start = text[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        from = tail_start;
        let (head, tail) = (&text[head_start..at], &text[tail_start..tail_end]);
        if tail.len() < 3 || head.is_empty() || !head.contains(|c: char| c.is_ascii_lowercase()) {
            continue;
        }
        let name = format!("{head}.permission.{tail}");
        if !out.iter().any(|(n, _, _)| *n == name) {
            out.push((name, head_start, tail_end));
        }
    }
    out
}
