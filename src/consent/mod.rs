//! Collection before consent, found statically: from the code that runs before any consent
//! dialog can have been answered (every manifest provider's `onCreate`, the Application class's
//! static initialiser, constructor, `attachBaseContext` and `onCreate`, the initialisers that
//! `androidx.startup` runs, and the static initialisers of the classes they touch), follow the
//! calls ([`graph`]; a virtual or interface call runs only the implementations of classes
//! instantiated in the code searched, or made by the system: rapid type analysis) and report every SDK initialisation (rules `[[consent]] kind = "init"`) and
//! every read of a sensitive identifier, location or personal data (rules/apis.toml) reached
//! without passing a consent guard, with the call path.
//!
//! A call is guarded when every path to it in its method takes one arm of a branch on consent
//! state (see `apk::dex::calls`): the result of `SharedPreferences.getBoolean/getInt`, of an
//! MMKV read, of a method the rules name as a consent check, of an app method that returns such
//! a value, or a boolean/int field that a consent callback writes (a method that also persists
//! a preference or calls an SDK's privacy API). Methods that call an SDK's privacy-agree API or
//! write that state are consent callbacks: what they reach runs after consent, so the search
//! does not enter them. A path through code that could not be read completely is reported as
//! undecided, never as clean; reflection and dynamic code loading on the paths, a packer, or a
//! missing Application class make the whole result incomplete.
//!
//! Not yet: the launcher activity's `onCreate` up to the point the consent dialog is shown (a
//! later refinement), Kotlin coroutines and RxJava schedulers as hand-offs, invoke-custom
//! lambdas (D8 desugars most of them into classes, which are followed).

pub mod graph;

use crate::apk::dex::calls::{Cond, DexView, InvokeKind, MethodCode, UnitSet, MAX_NEWS};
use crate::apk::App;
use crate::rules::apis::FastHash;
use crate::rules::apis::{ApiCatalog, ApiKind, Confidence};
use crate::rules::sdks::consent::ConsentKind;
use crate::rules::sdks::SdkCatalog;
use graph::{api_of, MethodRef, Program, NONE};
use serde::Serialize;
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

/// Deepest path followed from an entry point (calls).
pub const MAX_DEPTH: usize = 24;
/// Most methods visited per app.
pub const MAX_METHODS: usize = 200_000;
/// Most calls kept waiting for an instance of their class; past that every class counts as
/// instantiated (plain class-hierarchy analysis).
pub const MAX_WAITING: usize = 1 << 20;
/// Most paths kept per target (SDK or data type).
pub const MAX_PATHS: usize = 3;

/// The data types whose reads count as collection before consent: device identifiers, the
/// subscriber identity, Android ID, MAC addresses, installed and running apps, location, the
/// clipboard, contacts.
pub const DATA_TYPES: &[&str] = &[
    "imei",
    "imei_sv",
    "meid",
    "imsi",
    "iccid",
    "device_serial",
    "android_id",
    "wifi_mac",
    "bluetooth_mac",
    "installed_apps",
    "running_apps",
    "precise_location",
    "cell_info",
    "clipboard",
    "contacts",
    "phone_number",
];

/// Framework reads of consent state (besides the rules' consent checks).
const STATE_READS: &[&str] = &[
    "Landroid/content/SharedPreferences;->getBoolean",
    "Landroid/content/SharedPreferences;->getInt",
    "Lcom/tencent/mmkv/MMKV;->decodeBool",
    "Lcom/tencent/mmkv/MMKV;->decodeInt",
    "Lcom/tencent/mmkv/MMKV;->getBoolean",
    "Lcom/tencent/mmkv/MMKV;->getInt",
];

/// Framework writes of consent state: a method that calls one and writes a flag field is a
/// consent callback.
const STATE_WRITES: &[&str] = &[
    "Landroid/content/SharedPreferences$Editor;->putBoolean",
    "Landroid/content/SharedPreferences$Editor;->putInt",
    "Lcom/tencent/mmkv/MMKV;->encode",
    "Lcom/tencent/mmkv/MMKV;->putBoolean",
    "Lcom/tencent/mmkv/MMKV;->putInt",
];

/// Calls that run a `Runnable`/`Callable` later (on another thread or the main loop): an edge
/// to the `run()`/`call()` of the classes the caller instantiates.
const HAND_OFFS: &[&str] = &[
    "Landroid/os/Handler;->post",
    "Landroid/os/Handler;->postDelayed",
    "Landroid/os/Handler;->postAtFrontOfQueue",
    "Landroid/os/Handler;->postAtTime",
    "Landroid/view/View;->post",
    "Landroid/view/View;->postDelayed",
    "Landroid/app/Activity;->runOnUiThread",
    "Ljava/lang/Thread;-><init>",
    "Ljava/util/concurrent/Executor;->execute",
    "Ljava/util/concurrent/ExecutorService;->execute",
    "Ljava/util/concurrent/ExecutorService;->submit",
    "Ljava/util/concurrent/ThreadPoolExecutor;->execute",
    "Ljava/util/concurrent/ThreadPoolExecutor;->submit",
    "Ljava/util/concurrent/ScheduledExecutorService;->schedule",
    "Ljava/util/concurrent/ScheduledExecutorService;->execute",
    "Ljava/util/concurrent/ScheduledExecutorService;->submit",
    "Landroid/os/AsyncTask;->execute",
];

/// Calls that make the static picture incomplete.
const REFLECTION: &[&str] = &[
    "Ljava/lang/Class;->forName",
    "Ljava/lang/reflect/Method;->invoke",
    "Ldalvik/system/DexClassLoader;-><init>",
];

/// Why a method runs before consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    /// It is an entry point.
    Entry,
    /// It is called.
    Call,
    /// A `Runnable`/`Callable` handed to a thread, executor or handler.
    HandOff,
    /// The static initialiser of a class the caller touches.
    StaticInit,
}

/// One method of a call path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, PartialOrd, Ord)]
pub struct PathStep {
    /// `Lcls;->name(params)ret`, as the DEX has it.
    pub method: String,
    /// How the previous step reaches it.
    pub via: Via,
}

/// What a path ends in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Target {
    /// An SDK's initialisation (rules `[[consent]] kind = "init"`).
    SdkInit {
        /// Knowledge-base id.
        sdk: String,
    },
    /// A sensitive read (rules/apis.toml).
    Data {
        /// Data type id.
        data_type: String,
    },
}

/// A call that runs before consent, with how it is reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentPath {
    /// What is called.
    pub target: Target,
    /// The entry point's kind: `provider`, `application`, `startup-initializer`.
    pub entry_kind: String,
    /// From the entry point to the calling method.
    pub steps: Vec<PathStep>,
    /// The call made, `Lcls;->name(params)ret`.
    pub call: String,
    /// The DEX file holding the calling method.
    pub dex: String,
    /// False when a method on the path could not be read completely (a guard may be missed).
    pub decided: bool,
}

/// An SDK provider that initialises the SDK at process start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AutoInitProvider {
    /// Knowledge-base id.
    pub sdk: String,
    /// The provider's class.
    pub provider: String,
    /// Whether `android:enabled="false"` turns it off in the manifest.
    pub enabled: bool,
    /// The vendor's compliance guide.
    pub source: String,
    /// The application meta-data (`name=value`) that the vendor documents as keeping the SDK
    /// from collecting until consent, when the app sets it: then no finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub switched_off: Option<String>,
}

/// What the consent analysis found in one app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConsentResult {
    /// Whether the analysis ran (the DEX facts were read).
    pub ran: bool,
    /// Entry points found.
    pub entries: usize,
    /// Methods reached before consent.
    pub methods_reached: usize,
    /// Calls made before consent, unguarded.
    pub paths: Vec<ConsentPath>,
    /// SDK providers that initialise their SDK at start-up (declared, and their class defined).
    pub providers: Vec<AutoInitProvider>,
    /// Why the result may miss paths (packer, reflection, missing classes, limits).
    pub incomplete: Vec<String>,
    /// The knowledge base's names of the SDKs named above: (id, name, English name).
    #[serde(skip)]
    pub sdk_names: Vec<(String, String, String)>,
}

/// What the rules say about one called method.
#[derive(Debug, Clone, Copy, Default)]
struct ApiFacts {
    /// Index into `Knowledge::sdk_ids` (at most the catalogue's 660-odd SDKs).
    init: Option<u16>,
    /// Index into `Knowledge::data_ids`.
    data: Option<u16>,
    privacy: bool,
    check: bool,
    state_write: bool,
    hand_off: bool,
    reflection: bool,
}

/// The knowledge the analysis reads, keyed by `Lcls;->name`.
struct Knowledge<'c> {
    inits: HashMap<String, &'c str>,
    privacy: HashSet<String>,
    checks: HashSet<String>,
    data: HashMap<&'c str, &'c str>,
    sdk_ids: Vec<&'c str>,
    data_ids: Vec<&'c str>,
    /// The classes (`Lcls;`) of every method named above, and of the state writes and
    /// privacy APIs alone: a call of another class has no facts and is no state write.
    classes: HashSet<Box<[u8]>, FastHash>,
    write_classes: HashSet<Box<[u8]>, FastHash>,
}

/// The class part of a `Lcls;->name` key (through its first `->`).
fn key_class(key: &str) -> &[u8] {
    key.split("->").next().unwrap_or(key).as_bytes()
}

impl<'c> Knowledge<'c> {
    fn new(catalog: &'c SdkCatalog, apis: &'c ApiCatalog) -> Self {
        let mut k = Knowledge {
            inits: HashMap::new(),
            privacy: HashSet::new(),
            checks: HashSet::new(),
            data: HashMap::new(),
            sdk_ids: Vec::new(),
            data_ids: Vec::new(),
            classes: HashSet::default(),
            write_classes: HashSet::default(),
        };
        for c in catalog.consent_sigs() {
            let Some(id) = catalog.id_at(c.sdk) else {
                continue;
            };
            let Some((class, method)) = crate::rules::sdks::consent::method_parts(&c.target) else {
                continue;
            };
            let key = format!("{class}->{method}");
            match c.kind {
                ConsentKind::Init => {
                    k.inits.insert(key, id);
                }
                ConsentKind::PrivacyApi => {
                    k.privacy.insert(key);
                }
                ConsentKind::ConsentCheck => {
                    k.checks.insert(key);
                }
                ConsentKind::PreInit | ConsentKind::AutoInitProvider => {}
            }
        }
        for a in apis.iter() {
            if a.kind == ApiKind::Invoke
                && a.confidence != Confidence::Low
                && DATA_TYPES.contains(&a.data_type.as_str())
            {
                k.data.insert(a.api.as_str(), a.data_type.as_str());
            }
        }
        let mut classes: HashSet<Box<[u8]>, FastHash> = HashSet::default();
        let mut write_classes: HashSet<Box<[u8]>, FastHash> = HashSet::default();
        for key in STATE_WRITES
            .iter()
            .copied()
            .chain(k.privacy.iter().map(String::as_str))
        {
            write_classes.insert(key_class(key).into());
        }
        for key in k
            .inits
            .keys()
            .chain(k.privacy.iter())
            .chain(k.checks.iter())
            .map(String::as_str)
            .chain(k.data.keys().copied())
            .chain(STATE_READS.iter().copied())
            .chain(STATE_WRITES.iter().copied())
            .chain(HAND_OFFS.iter().copied())
            .chain(REFLECTION.iter().copied())
        {
            classes.insert(key_class(key).into());
        }
        k.classes = classes;
        k.write_classes = write_classes;
        k
    }

    fn facts(&mut self, sig: &str) -> ApiFacts {
        let api = api_of(sig);
        let index = |list: &mut Vec<&'c str>, v: &'c str| {
            list.iter().position(|x| *x == v).unwrap_or_else(|| {
                list.push(v);
                list.len() - 1
            })
        };
        let init = self.inits.get(api).copied();
        let data = self.data.get(api).copied();
        ApiFacts {
            init: init.and_then(|s| u16::try_from(index(&mut self.sdk_ids, s)).ok()),
            data: data.and_then(|d| u16::try_from(index(&mut self.data_ids, d)).ok()),
            privacy: self.privacy.contains(api),
            check: self.checks.contains(api) || STATE_READS.contains(&api),
            state_write: STATE_WRITES.contains(&api) || self.privacy.contains(api),
            hand_off: HAND_OFFS.contains(&api),
            reflection: REFLECTION.contains(&api),
        }
    }
}

/// Runs the analysis over an app whose DEX files were read with the call facts.
pub fn analyze(app: &App, catalog: &SdkCatalog, packer: Option<&str>) -> ConsentResult {
    let apis = crate::rules::apis::ApiCatalog::builtin();
    let dexes: Vec<(&str, DexView<'_>)> = app
        .dex
        .iter()
        .filter(|d| !d.secondary)
        .filter_map(|d| {
            d.code
                .as_deref()
                .and_then(|c| c.view(apis))
                .map(|v| (d.name.as_str(), v))
        })
        .collect();
    let mut out = ConsentResult::default();
    // Matched on the consent targets read with the signatures: an entry is decoded (for the
    // source) only when one of its providers is declared.
    for c in catalog
        .consent_sigs()
        .iter()
        .filter(|c| c.kind == ConsentKind::AutoInitProvider)
    {
        for comp in app.manifest.components.iter().filter(|comp| {
            comp.kind == crate::apk::manifest::ComponentKind::Provider && *comp.name == *c.target
        }) {
            let Some(rule) = catalog.at(c.sdk) else {
                continue;
            };
            let entry = rule
                .consent
                .iter()
                .find(|r| r.kind == c.kind && r.target == comp.name);
            let meta = app
                .manifest
                .meta_data
                .iter()
                .filter_map(|m| Some((m.name.as_str(), m.value.as_deref()?)));
            out.providers.push(AutoInitProvider {
                sdk: rule.id.clone(),
                provider: comp.name.clone(),
                enabled: comp.enabled,
                source: entry.map(|r| r.source.clone()).unwrap_or_default(),
                switched_off: entry.and_then(|r| r.switched_off(meta)).map(str::to_string),
            });
        }
    }
    if let Some(p) = packer {
        out.incomplete.push(format!(
            "the app is packed ({p}): its real code is not in the DEX files"
        ));
    }
    if dexes.is_empty() {
        out.providers.clear();
        if !app.dex.is_empty() {
            out.incomplete
                .push("the DEX files' calls were not read".to_string());
        }
        return out;
    }
    out.ran = true;
    // Neither the Application class nor any provider is defined in the DEX files: nothing
    // runs before consent that the search could start from, and no provider to report, so the
    // class index is not built (a linear look at the class_defs instead).
    let desc = crate::apk::dex::descriptor;
    let defined = |d: &str| dexes.iter().any(|(_, v)| v.defines_class(d.as_bytes()));
    let app_class = app.manifest.application.name.as_deref().map(desc);
    let anything = app_class.as_deref().is_some_and(defined)
        || app.manifest.components.iter().any(|c| {
            c.kind == crate::apk::manifest::ComponentKind::Provider && defined(&desc(&c.name))
        });
    if !anything {
        out.providers.clear();
        if let Some(name) = &app.manifest.application.name {
            out.incomplete.push(missing_application(name));
        }
        return out;
    }
    let mut program = Program::new(dexes);
    // A provider whose class the DEX files do not define is configuration only (issue #14):
    // nothing runs.
    out.providers
        .retain(|p| program.defines_named(&desc(&p.provider)));
    let mut know = Knowledge::new(catalog, apis);
    let auto_providers: HashSet<&str> = out.providers.iter().map(|p| p.provider.as_str()).collect();
    let (entries, made) = entry_points(app, &mut program, &auto_providers, &mut out.incomplete);
    out.entries = entries.len();
    let mut search = Search::new(&mut program, &mut know);
    search.run(&entries, &made);
    out.methods_reached = search.count;
    out.paths = search.paths();
    let mut reflect: Vec<String> = search
        .reflective
        .iter()
        .map(|&id| search.program.sig(search.program.method_ref(id)))
        .collect();
    reflect.sort();
    reflect.dedup();
    for r in reflect.into_iter().take(5) {
        out.incomplete.push(format!(
            "{} loads classes or calls methods by reflection before consent",
            graph::readable(&r)
        ));
    }
    let mut ids: Vec<&str> = out
        .paths
        .iter()
        .filter_map(|p| match &p.target {
            Target::SdkInit { sdk } => Some(sdk.as_str()),
            Target::Data { .. } => None,
        })
        .chain(out.providers.iter().map(|p| p.sdk.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    out.sdk_names = ids
        .into_iter()
        .filter_map(|id| catalog.get(id))
        .map(|r| {
            let name = r
                .names
                .first()
                .cloned()
                .unwrap_or_else(|| r.name_en.clone());
            (
                r.id.clone(),
                name,
                crate::rules::vendor::english_display(&r.name_en),
            )
        })
        .collect();
    if search.limited {
        out.incomplete.push(format!(
            "the search stopped at its limit of {MAX_METHODS} methods"
        ));
    }
    out
}

/// What the result says when the manifest's Application class is not in the DEX files.
fn missing_application(name: &str) -> String {
    format!("the Application class {name} is not in the DEX files (packed or loaded dynamically)")
}

/// The methods that run before consent can be given, with the entry kind; and the classes the
/// system instantiates itself (the Application class, the providers, the startup initialisers).
fn entry_points(
    app: &App,
    program: &mut Program<'_>,
    auto_providers: &HashSet<&str>,
    incomplete: &mut Vec<String>,
) -> (Vec<(MethodRef, &'static str)>, Vec<u32>) {
    let mut out = Vec::new();
    let mut made = Vec::new();
    let desc = crate::apk::dex::descriptor;
    let mut add = |program: &mut Program<'_>,
                   class: &str,
                   subs: &[&str],
                   kind: &'static str,
                   out: &mut Vec<_>| {
        if let Some(c) = program.class(class.as_bytes()) {
            made.push(c);
        }
        for sub in subs {
            if let Some(m) = program.lookup_named(class, sub) {
                if !out.iter().any(|(o, _)| *o == m) {
                    out.push((m, kind));
                }
            }
        }
    };
    if let Some(name) = &app.manifest.application.name {
        let d = desc(name);
        if program.defines_named(&d) {
            add(
                program,
                &d,
                &[
                    "<clinit>()V",
                    "<init>()V",
                    "attachBaseContext(Landroid/content/Context;)V",
                    "onCreate()V",
                ],
                "application",
                &mut out,
            );
        } else {
            incomplete.push(missing_application(name));
        }
    }
    for comp in &app.manifest.components {
        if comp.kind != crate::apk::manifest::ComponentKind::Provider || !comp.enabled {
            continue;
        }
        // An SDK's own auto-init provider is its own finding (sdk-auto-init-provider).
        if auto_providers.contains(comp.name.as_str()) {
            continue;
        }
        add(
            program,
            &desc(&comp.name),
            &["<clinit>()V", "<init>()V", "onCreate()Z"],
            "provider",
            &mut out,
        );
        if comp.name == "androidx.startup.InitializationProvider" {
            for md in &comp.meta_data {
                add(
                    program,
                    &desc(&md.name),
                    &[
                        "<clinit>()V",
                        "create(Landroid/content/Context;)Ljava/lang/Object;",
                    ],
                    "startup-initializer",
                    &mut out,
                );
            }
        }
    }
    (out, made)
}

/// Per method reached: how (parent, edge) and whether the path so far was read completely.
#[derive(Clone, Copy)]
struct Reached {
    /// The method id of the caller.
    parent: Option<u32>,
    via: Via,
    depth: usize,
    decided: bool,
    entry: &'static str,
}

/// Most classes of one package read to find the flags its consent callbacks write.
const MAX_PACKAGE_CLASSES: usize = 400;

/// Per-DEX memo bits of a type: looked at, its methods may have facts, they may write state.
const K_DONE: u8 = 1;
const K_FACTS: u8 = 2;
const K_WRITES: u8 = 4;

/// What the search remembers per DEX file, indexed by the file's own ids.
#[derive(Default)]
struct DexMemo {
    /// The vectors below are sized.
    ready: bool,
    /// type_idx -> `K_*` bits.
    types: Vec<u8>,
    /// field_idx -> 0 not asked, 1 not consent state, 2 consent state.
    consent: Vec<u8>,
    /// field_idx -> field name id + 1 (`u32::MAX`: unreadable).
    fields: Vec<u32>,
    /// The method_idx of the state writes and privacy APIs this file calls (computed once).
    writes: Option<Rc<UnitSet>>,
}

struct Search<'p, 'a, 'k, 'c> {
    program: &'p mut Program<'a>,
    know: &'k mut Knowledge<'c>,
    /// Per method id, how it was reached.
    parent: Vec<Option<Reached>>,
    /// Methods reached.
    count: usize,
    /// (target, call key, calling method id), in the order found (breadth first: shortest
    /// first).
    hits: Vec<(Target, u32, u32)>,
    /// Per method key, the rules' facts.
    facts: Vec<Option<ApiFacts>>,
    /// Per (class id, subsignature id), whether calling it yields consent state.
    checks: HashMap<(u32, u32), bool, FastHash>,
    /// Field names (`Lcls;->name:type`) -> id.
    field_names: graph::Map<String, u32>,
    /// Flag fields (name ids) written by consent callbacks, from the packages read so far.
    consent_fields: HashSet<u32, FastHash>,
    memo: Vec<DexMemo>,
    packages: HashSet<Vec<u8>, graph::Keyed>,
    /// Method ids that call by reflection.
    reflective: Vec<u32>,
    limited: bool,
    /// Per class id: an instance of it or of a subtype is made before consent (rapid type
    /// analysis: a virtual call runs only the implementations of classes instantiated so far).
    live: Vec<bool>,
    /// Every class counts as instantiated (a method made more classes than it records).
    all_live: bool,
    /// The implementations calls reached that wait for an instance of their class, in the
    /// order met (taken when followed): (method, how it was reached).
    waiting: Vec<Option<(MethodRef, Reached)>>,
    /// Per class id not yet live: the indexes in `waiting` of what waits for it.
    waiting_for: HashMap<u32, Vec<u32>, FastHash>,
}

impl<'p, 'a, 'k, 'c> Search<'p, 'a, 'k, 'c> {
    fn new(program: &'p mut Program<'a>, know: &'k mut Knowledge<'c>) -> Self {
        // Sized on first use (`Search::memo`).
        let memo = program.dexes.iter().map(|_| DexMemo::default()).collect();
        Search {
            program,
            know,
            parent: Vec::new(),
            count: 0,
            hits: Vec::new(),
            facts: Vec::new(),
            checks: HashMap::default(),
            field_names: graph::Map::default(),
            consent_fields: HashSet::default(),
            memo,
            packages: HashSet::default(),
            reflective: Vec::new(),
            limited: false,
            live: Vec::new(),
            all_live: false,
            waiting: Vec::new(),
            waiting_for: HashMap::default(),
        }
    }

    /// The memo of DEX `d`, sized (zeroed) on first use.
    fn memo_mut(&mut self, d: usize) -> Option<&mut DexMemo> {
        let m = self.memo.get_mut(d)?;
        if !m.ready {
            let (_, v) = self.program.dexes.get(d)?;
            m.ready = true;
            m.types = vec![0; v.type_count()];
            m.consent = vec![0; v.field_count().min(1 << 16)];
            m.fields = vec![0; v.field_count().min(1 << 16)];
        }
        Some(m)
    }

    /// The `K_*` bits of type_idx `t` of DEX `dex`. A class whose name holds `(` or `->` may
    /// make a signature whose `Lcls;->name` part is not its own: it is always looked at.
    fn type_bits(&mut self, dex: u16, t: u32) -> u8 {
        let d = usize::from(dex);
        let slot = usize::try_from(t).ok();
        if let Some(b) = slot
            .and_then(|i| self.memo.get(d)?.types.get(i).copied())
            .filter(|b| b & K_DONE != 0)
        {
            return b;
        }
        let mut b = K_DONE;
        if let Some(desc) = self.program.view(dex).and_then(|v| v.type_desc(t)) {
            let odd = desc.contains(&b'(') || desc.windows(2).any(|w| w == b"->");
            if odd || self.know.classes.contains(desc) {
                b |= K_FACTS;
            }
            if odd || self.know.write_classes.contains(desc) {
                b |= K_WRITES;
            }
        }
        if let Some(x) = slot.and_then(|i| self.memo_mut(d)?.types.get_mut(i)) {
            *x = b;
        }
        b
    }

    /// The rules' facts about method_idx `m` of DEX `dex` (read once per method key).
    fn facts(&mut self, dex: u16, m: u32) -> ApiFacts {
        let k = self.program.key(dex, m) as usize;
        if let Some(Some(f)) = self.facts.get(k) {
            return *f;
        }
        let class = self.program.view(dex).and_then(|v| v.method_class(m));
        let f = match class {
            Some(t) if self.type_bits(dex, t) & K_FACTS != 0 => {
                let sig = self.program.key_sig(k as u32);
                self.know.facts(&sig)
            }
            _ => ApiFacts::default(),
        };
        if self.facts.len() <= k {
            self.facts.resize(k + 1, None);
        }
        self.facts[k] = Some(f);
        f
    }

    /// The method_idx of every state write or privacy API DEX `dex` calls (a kept call with
    /// those facts), found once: the method_ids of the few classes that hold them, looked up
    /// by binary search (in a file whose ids are not sorted some may be missed: fewer flags
    /// then count as consent state, so fewer calls as guarded).
    fn state_writes(&mut self, dex: u16) -> Rc<UnitSet> {
        if let Some(w) = self
            .memo
            .get(usize::from(dex))
            .and_then(|m| m.writes.clone())
        {
            return w;
        }
        let mut classes: Vec<&[u8]> = self.know.write_classes.iter().map(|c| &c[..]).collect();
        classes.sort_unstable();
        let ranges: Vec<std::ops::Range<u32>> = match self.program.view(dex) {
            Some(v) => classes
                .iter()
                .filter_map(|c| v.find_type(c))
                .map(|t| v.methods_of_type(t))
                .collect(),
            None => Vec::new(),
        };
        let mut out = Vec::new();
        for m in ranges.into_iter().flatten() {
            let keep = self.program.view(dex).is_some_and(|v| v.keep_call(m));
            if keep && self.facts(dex, m).state_write {
                out.push(m as u16);
            }
        }
        let w = Rc::new(UnitSet::new(&out));
        if let Some(memo) = self.memo.get_mut(usize::from(dex)) {
            memo.writes = Some(w.clone());
        }
        w
    }

    /// The name id of field_idx `f` of DEX `dex`, with its name (None when unreadable).
    fn field(&mut self, dex: u16, f: u32) -> Option<u32> {
        let d = usize::from(dex);
        let i = usize::try_from(f).ok();
        match i.and_then(|i| self.memo.get(d)?.fields.get(i).copied()) {
            Some(0) | None => {}
            Some(u32::MAX) => return None,
            Some(x) => return Some(x - 1),
        }
        let name = self.program.view(dex).and_then(|v| v.field_sig(f));
        let id = name.map(|n| {
            let next = u32::try_from(self.field_names.len()).unwrap_or(NONE);
            *self.field_names.entry(n).or_insert(next)
        });
        if let Some(x) = i.and_then(|i| self.memo_mut(d)?.fields.get_mut(i)) {
            *x = id.map_or(u32::MAX, |id| id.saturating_add(1));
        }
        id
    }

    /// Reads the classes of `package` once, collecting the flag fields written by a method that
    /// also persists a preference or calls a privacy API. A method whose code holds no call of
    /// such an API (none of their method ids) is not decoded.
    fn read_package(&mut self, package: &[u8]) {
        if self.packages.contains(package) {
            return;
        }
        self.packages.insert(package.to_vec());
        // No file calls a state write or a privacy API: no flag is consent state, and the
        // package index is not built.
        let dexes = u16::try_from(self.program.dexes.len()).unwrap_or(u16::MAX);
        if (0..dexes).all(|d| self.state_writes(d).is_empty()) {
            return;
        }
        for (d, c) in self.program.classes_under(package, MAX_PACKAGE_CLASSES) {
            let units = self.state_writes(d);
            if units.is_empty() {
                continue;
            }
            let Some(view) = self.program.view(d) else {
                continue;
            };
            let methods: Vec<(u32, u32)> = view
                .methods(c as usize)
                .into_iter()
                .filter(|&(_, code)| view.code_mentions(code, &units))
                .collect();
            for (method, code) in methods {
                // As the class's list has it: a method whose signature cannot be read is left out.
                let k = self.program.key(d, method);
                if self.program.key_of(k).sub == NONE {
                    continue;
                }
                let m = MethodRef {
                    dex: d,
                    method,
                    code,
                };
                let id = self.program.id(m);
                let mc = self.program.method(id);
                if mc.writes.is_empty() {
                    continue;
                }
                if mc.calls.iter().any(|c| self.facts(d, c.callee).state_write) {
                    for &f in &mc.writes {
                        if let Some(name) = self.field(d, f) {
                            self.consent_fields.insert(name);
                        }
                    }
                }
            }
        }
    }

    /// Whether field_idx `f` of DEX `dex` is consent state: a flag that a consent callback of
    /// the field's package writes.
    fn is_consent_field(&mut self, dex: u16, f: u32) -> bool {
        let d = usize::from(dex);
        let i = usize::try_from(f).ok();
        match i.and_then(|i| self.memo.get(d)?.consent.get(i).copied()) {
            Some(1) => return false,
            Some(2) => return true,
            _ => {}
        }
        let Some(id) = self.field(dex, f) else {
            return false;
        };
        let Some(name) = self.program.view(dex).and_then(|v| v.field_sig(f)) else {
            return false;
        };
        let package = name
            .find(";->")
            .and_then(|i| name[..i].rfind('/').map(|j| &name[..=j]))
            .unwrap_or("L");
        self.read_package(package.as_bytes());
        let v = self.consent_fields.contains(&id);
        if let Some(x) = i.and_then(|i| self.memo_mut(d)?.consent.get_mut(i)) {
            *x = if v { 2 } else { 1 };
        }
        v
    }

    /// Whether calling method_idx `m` yields consent state: a framework or rules check, or an
    /// app method returning a flag that it reads from consent state (two levels deep).
    fn is_check(&mut self, dex: u16, m: u32, depth: usize) -> bool {
        if self.facts(dex, m).check {
            return true;
        }
        let k = self.program.key(dex, m);
        let key = self.program.key_of(k);
        // A method of no class the app defines or extends is looked up in vain.
        if key.class == NONE || key.sub == NONE {
            return false;
        }
        if let Some(&v) = self.checks.get(&(key.class, key.sub)) {
            return v;
        }
        if depth > 2 {
            return false;
        }
        let mut v = false;
        if let Some(r) = self.program.lookup(key.class, key.sub) {
            let id = self.program.id(r);
            let mc = self.program.method(id);
            v = mc.reads.iter().any(|&f| self.is_consent_field(r.dex, f));
            if !v {
                v = mc
                    .calls
                    .iter()
                    .any(|c| self.is_check(r.dex, c.callee, depth + 1));
            }
        }
        self.checks.insert((key.class, key.sub), v);
        v
    }

    /// Bit k set: the method's condition k is consent state.
    fn consent_conds(&mut self, dex: u16, m: &MethodCode) -> u32 {
        let mut bits = 0u32;
        for (k, c) in m.conds.iter().enumerate() {
            let yes = match *c {
                Cond::Call(sig) => self.is_check(dex, sig, 0),
                Cond::Field(f) => self.is_consent_field(dex, f),
            };
            if yes && k < 32 {
                bits |= 1 << k;
            }
        }
        bits
    }

    /// Whether reaching `m` means consent was given: it writes consent state or calls a
    /// privacy-agree API with anything but the constant `false` (vendors tell apps to call
    /// e.g. `setAuth(ctx, false)` before consent: such a method is searched like any other).
    fn is_callback(&mut self, m: MethodRef, mc: &MethodCode) -> bool {
        mc.calls
            .iter()
            .any(|c| !c.passes_false && self.facts(m.dex, c.callee).privacy)
            || mc.writes.iter().any(|&f| self.is_consent_field(m.dex, f))
    }

    /// Records that an instance of class `class` is made: it and its supertypes become live and
    /// the calls waiting for them are followed. False when the search is at its limit.
    fn instantiate(&mut self, class: u32, queue: &mut VecDeque<u32>) -> bool {
        let mut stack = vec![class];
        let mut ups = Vec::new();
        while let Some(c) = stack.pop() {
            let i = c as usize;
            if self.live.len() <= i {
                self.live.resize(i + 1, false);
            }
            if self.live[i] {
                continue;
            }
            self.live[i] = true;
            for w in self.waiting_for.remove(&c).unwrap_or_default() {
                if let Some((t, r)) = self.waiting.get_mut(w as usize).and_then(Option::take) {
                    if !self.reach(t, r, queue) {
                        return false;
                    }
                }
            }
            ups.clear();
            self.program.supertypes(c, &mut ups);
            stack.extend_from_slice(&ups);
        }
        true
    }

    /// Every class counts as instantiated from now on: what waits is followed.
    fn all_instantiated(&mut self, queue: &mut VecDeque<u32>) -> bool {
        self.all_live = true;
        self.waiting_for.clear();
        for (t, r) in std::mem::take(&mut self.waiting).into_iter().flatten() {
            if !self.reach(t, r, queue) {
                return false;
            }
        }
        true
    }

    /// Keeps `t` until an instance of class `gate` is made (at most [`MAX_WAITING`]: past
    /// that, every class counts as instantiated). False when the search is at its limit.
    fn wait(&mut self, t: MethodRef, r: Reached, gate: u32, queue: &mut VecDeque<u32>) -> bool {
        let id = self.program.id(t) as usize;
        if self.parent.get(id).is_some_and(Option::is_some) {
            return true;
        }
        if self.waiting.len() >= MAX_WAITING {
            return self.all_instantiated(queue) && self.reach(t, r, queue);
        }
        let i = u32::try_from(self.waiting.len()).unwrap_or(u32::MAX);
        self.waiting.push(Some((t, r)));
        self.waiting_for.entry(gate).or_default().push(i);
        true
    }

    fn is_live(&self, class: u32) -> bool {
        class == NONE || self.all_live || self.live.get(class as usize).copied().unwrap_or(false)
    }

    /// Marks method `t` reached from `parent`; false when the search is at its limit.
    fn reach(&mut self, t: MethodRef, r: Reached, queue: &mut VecDeque<u32>) -> bool {
        let id = self.program.id(t) as usize;
        if self.parent.len() <= id {
            self.parent.resize(id + 1, None);
        }
        if self.parent[id].is_some() {
            return true;
        }
        if r.via != Via::Entry && self.count >= MAX_METHODS {
            self.limited = true;
            return false;
        }
        self.parent[id] = Some(r);
        self.count += 1;
        queue.push_back(id as u32);
        true
    }

    fn run(&mut self, entries: &[(MethodRef, &'static str)], made: &[u32]) {
        let mut queue: VecDeque<u32> = VecDeque::new();
        for &c in made {
            self.instantiate(c, &mut queue);
        }
        for &(m, kind) in entries {
            let r = Reached {
                parent: None,
                via: Via::Entry,
                depth: 0,
                decided: true,
                entry: kind,
            };
            self.reach(m, r, &mut queue);
        }
        let mut next: Vec<(MethodRef, Via, u32)> = Vec::new();
        while let Some(id) = queue.pop_front() {
            let m = self.program.method_ref(id);
            let mc = self.program.method(id);
            if self.program.view(m.dex).is_none() {
                continue;
            }
            let Some(here) = self.parent[id as usize] else {
                continue;
            };
            if here.via != Via::Entry && self.is_callback(m, &mc) {
                continue;
            }
            let consent = self.consent_conds(m.dex, &mc);
            let mc = if consent == 0 {
                mc
            } else {
                Rc::new(self.program.method_guarded(m, consent))
            };
            let decided = here.decided && mc.complete;
            // What this method instantiates is live before its calls are resolved.
            if !self.all_live {
                let ok = if mc.news.len() >= MAX_NEWS {
                    self.all_instantiated(&mut queue)
                } else {
                    let mut ok = true;
                    for &ty in &mc.news {
                        if let Some(c) = self.program.type_class(m.dex, ty) {
                            ok &= self.instantiate(c, &mut queue);
                        }
                    }
                    ok
                };
                if !ok {
                    return;
                }
            }
            next.clear();
            for c in &mc.calls {
                if c.guards & consent != 0 {
                    continue;
                }
                let f = self.facts(m.dex, c.callee);
                let k = self.program.key(m.dex, c.callee);
                let key = self.program.key_of(k);
                if !key.readable {
                    continue;
                }
                if let Some(i) = f.init {
                    let sdk = self.know.sdk_ids[usize::from(i)].to_string();
                    self.hits.push((Target::SdkInit { sdk }, k, id));
                }
                if let Some(i) = f.data {
                    let data_type = self.know.data_ids[usize::from(i)].to_string();
                    self.hits.push((Target::Data { data_type }, k, id));
                }
                if f.reflection && self.reflective.last() != Some(&id) {
                    self.reflective.push(id);
                }
                for &(t, gate) in self.program.resolve(k, c.kind).iter() {
                    next.push((t, Via::Call, gate));
                }
                if key.sub == NONE {
                    continue;
                }
                if f.hand_off {
                    for &ty in &mc.news {
                        if let Some(t) = self.program.type_class(m.dex, ty) {
                            for run in [self.program.run_sub, self.program.call_sub] {
                                if let Some(r) = self.program.lookup(t, run) {
                                    next.push((r, Via::HandOff, NONE));
                                }
                            }
                        }
                    }
                }
                if c.kind == InvokeKind::Virtual
                    && key.sub == self.program.start_sub
                    && self.program.defines(key.class)
                {
                    if let Some(r) = self.program.lookup(key.class, self.program.run_sub) {
                        next.push((r, Via::HandOff, NONE));
                    }
                }
                if matches!(c.kind, InvokeKind::Static)
                    || (c.kind == InvokeKind::Direct && key.init)
                {
                    if let Some(r) = self.program.defined(key.class, self.program.clinit_sub) {
                        next.push((r, Via::StaticInit, NONE));
                    }
                }
            }
            for &ty in &mc.touches {
                if let Some(t) = self.program.type_class(m.dex, ty) {
                    if let Some(r) = self.program.defined(t, self.program.clinit_sub) {
                        next.push((r, Via::StaticInit, NONE));
                    }
                }
            }
            if here.depth >= MAX_DEPTH {
                continue;
            }
            for &(t, via, gate) in &next {
                let r = Reached {
                    parent: Some(id),
                    via,
                    depth: here.depth + 1,
                    decided,
                    entry: here.entry,
                };
                let ok = if self.is_live(gate) {
                    self.reach(t, r, &mut queue)
                } else {
                    self.wait(t, r, gate, &mut queue)
                };
                if !ok {
                    return;
                }
            }
        }
    }

    /// The paths found, at most [`MAX_PATHS`] per target, one per calling method.
    fn paths(&mut self) -> Vec<ConsentPath> {
        let mut per_target: HashMap<&Target, usize> = HashMap::new();
        let mut seen: HashSet<(&Target, u32)> = HashSet::new();
        let mut out = Vec::new();
        for (target, call, m) in &self.hits {
            if !seen.insert((target, *m)) {
                continue;
            }
            let n = per_target.entry(target).or_default();
            if *n >= MAX_PATHS {
                continue;
            }
            *n += 1;
            let mut steps = Vec::new();
            let mut cur = Some(*m);
            let mut decided = true;
            let mut entry = "";
            while let Some(c) = cur {
                let Some(r) = self.parent.get(c as usize).copied().flatten() else {
                    break;
                };
                let cm = self.program.method_ref(c);
                steps.push(PathStep {
                    method: self.program.sig(cm),
                    via: r.via,
                });
                decided &= r.decided && self.program.method(c).complete;
                entry = r.entry;
                cur = r.parent;
                if steps.len() > MAX_DEPTH + 1 {
                    break;
                }
            }
            steps.reverse();
            let dex = self.program.method_ref(*m).dex;
            out.push(ConsentPath {
                target: target.clone(),
                entry_kind: entry.to_string(),
                steps,
                call: self.program.key_sig(*call),
                dex: self.program.dex_name(dex).to_string(),
                decided,
            });
        }
        out
    }
}
