//! Collection before consent, found statically: from the code that runs before any consent
//! dialog can have been answered (every manifest provider's `onCreate`, the Application class's
//! static initialiser, constructor, `attachBaseContext` and `onCreate`, the initialisers that
//! `androidx.startup` runs, and the static initialisers of the classes they touch), follow the
//! calls ([`graph`]) and report every SDK initialisation (rules `[[consent]] kind = "init"`) and
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

use crate::apk::dex::calls::{Cond, DexView, InvokeKind, MethodCode};
use crate::apk::App;
use crate::rules::apis::{ApiCatalog, ApiKind, Confidence};
use crate::rules::sdks::consent::ConsentKind;
use crate::rules::sdks::SdkCatalog;
use graph::{api_of, split_sig, MethodRef, Program};
use serde::Serialize;
use std::collections::{HashMap, HashSet, VecDeque};

/// Deepest path followed from an entry point (calls).
pub const MAX_DEPTH: usize = 24;
/// Most methods visited per app.
pub const MAX_METHODS: usize = 200_000;
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
    init: Option<usize>,
    data: Option<usize>,
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
            init: init.map(|s| index(&mut self.sdk_ids, s)),
            data: data.map(|d| index(&mut self.data_ids, d)),
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
            let source = rule
                .consent
                .iter()
                .find(|r| r.kind == c.kind && r.target == comp.name)
                .map(|r| r.source.clone())
                .unwrap_or_default();
            out.providers.push(AutoInitProvider {
                sdk: rule.id.clone(),
                provider: comp.name.clone(),
                enabled: comp.enabled,
                source,
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
    let program = Program::new(dexes);
    // A provider whose class the DEX files do not define is configuration only (issue #14):
    // nothing runs.
    out.providers
        .retain(|p| program.defines(&format!("L{};", p.provider.replace('.', "/"))));
    let mut know = Knowledge::new(catalog, apis);
    let auto_providers: HashSet<&str> = out.providers.iter().map(|p| p.provider.as_str()).collect();
    let entries = entry_points(app, &program, &auto_providers, &mut out.incomplete);
    out.entries = entries.len();
    let mut search = Search::new(&program, &mut know);
    search.run(&entries);
    out.methods_reached = search.parent.len();
    out.paths = search.paths();
    let mut reflect: Vec<String> = search.reflective.iter().cloned().collect();
    reflect.sort();
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

/// The methods that run before consent can be given, with the entry kind.
fn entry_points(
    app: &App,
    program: &Program<'_>,
    auto_providers: &HashSet<&str>,
    incomplete: &mut Vec<String>,
) -> Vec<(MethodRef, &'static str)> {
    let mut out = Vec::new();
    let desc = |java: &str| format!("L{};", java.replace('.', "/"));
    let add = |class: &str, subs: &[&str], kind: &'static str, out: &mut Vec<_>| {
        for sub in subs {
            if let Some(m) = program.lookup(class, sub) {
                if !out.iter().any(|(o, _)| *o == m) {
                    out.push((m, kind));
                }
            }
        }
    };
    if let Some(name) = &app.manifest.application.name {
        let d = desc(name);
        if program.defines(&d) {
            add(
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
            incomplete.push(format!(
                "the Application class {name} is not in the DEX files (packed or loaded dynamically)"
            ));
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
            &desc(&comp.name),
            &["<clinit>()V", "<init>()V", "onCreate()Z"],
            "provider",
            &mut out,
        );
        if comp.name == "androidx.startup.InitializationProvider" {
            for md in &comp.meta_data {
                add(
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
    out
}

/// Per method reached: how (parent, edge) and whether the path so far was read completely.
#[derive(Clone, Copy)]
struct Reached {
    parent: Option<MethodRef>,
    via: Via,
    depth: usize,
    decided: bool,
    entry: &'static str,
}

/// Most classes of one package read to find the flags its consent callbacks write.
const MAX_PACKAGE_CLASSES: usize = 400;

struct Search<'p, 'a, 'k, 'c> {
    program: &'p Program<'a>,
    know: &'k mut Knowledge<'c>,
    parent: HashMap<MethodRef, Reached>,
    /// (target, call sig, calling method), in the order found (breadth first: shortest first).
    hits: Vec<(Target, String, MethodRef)>,
    facts: HashMap<(u16, u32), ApiFacts>,
    checks: HashMap<String, bool>,
    /// Flag fields written by consent callbacks, from the packages read so far.
    consent_fields: HashSet<String>,
    /// Per field, whether it is consent state.
    field_memo: HashMap<(u16, u32), bool>,
    packages: HashSet<String>,
    reflective: HashSet<String>,
    limited: bool,
    /// Per called method: its signature and what a call of it may run (resolved once).
    sigs: HashMap<(u16, u32), std::rc::Rc<str>>,
    targets: HashMap<(u16, u32, u8), std::rc::Rc<Vec<MethodRef>>>,
}

impl<'p, 'a, 'k, 'c> Search<'p, 'a, 'k, 'c> {
    fn new(program: &'p Program<'a>, know: &'k mut Knowledge<'c>) -> Self {
        Search {
            program,
            know,
            parent: HashMap::new(),
            hits: Vec::new(),
            facts: HashMap::new(),
            checks: HashMap::new(),
            consent_fields: HashSet::new(),
            field_memo: HashMap::new(),
            packages: HashSet::new(),
            reflective: HashSet::new(),
            limited: false,
            sigs: HashMap::new(),
            targets: HashMap::new(),
        }
    }

    fn sig_of(&mut self, dex: u16, m: u32) -> std::rc::Rc<str> {
        if let Some(s) = self.sigs.get(&(dex, m)) {
            return s.clone();
        }
        let s: std::rc::Rc<str> = self
            .program
            .view(dex)
            .and_then(|v| v.method_sig(m))
            .unwrap_or_default()
            .into();
        self.sigs.insert((dex, m), s.clone());
        s
    }

    /// What a call of method_idx `m` (in DEX `dex`) with `kind` may run.
    fn targets(&mut self, dex: u16, m: u32, kind: InvokeKind) -> std::rc::Rc<Vec<MethodRef>> {
        let key = (dex, m, kind as u8);
        if let Some(t) = self.targets.get(&key) {
            return t.clone();
        }
        let sig = self.sig_of(dex, m);
        let t = std::rc::Rc::new(self.program.resolve(&sig, kind));
        self.targets.insert(key, t.clone());
        t
    }

    fn facts(&mut self, dex: u16, m: u32) -> ApiFacts {
        if let Some(f) = self.facts.get(&(dex, m)) {
            return *f;
        }
        let s = self.sig_of(dex, m);
        let f = self.know.facts(&s);
        self.facts.insert((dex, m), f);
        f
    }

    /// Reads the classes of `package` once, collecting the flag fields written by a method that
    /// also persists a preference or calls a privacy API.
    fn read_package(&mut self, package: &str) {
        if !self.packages.insert(package.to_string()) {
            return;
        }
        let program = self.program;
        for (d, c) in program.classes_under(package, MAX_PACKAGE_CLASSES) {
            for &(method, code, _) in program.class_methods(d, c).iter() {
                let mc = program.method(MethodRef {
                    dex: d,
                    method,
                    code,
                });
                if mc.writes.is_empty() {
                    continue;
                }
                if mc.calls.iter().any(|c| self.facts(d, c.callee).state_write) {
                    if let Some(v) = program.view(d) {
                        for &f in &mc.writes {
                            if let Some(name) = v.field_sig(f) {
                                self.consent_fields.insert(name);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Whether field_idx `f` of DEX `dex` is consent state: a flag that a consent callback of
    /// the field's package writes.
    fn is_consent_field(&mut self, dex: u16, f: u32) -> bool {
        if let Some(&v) = self.field_memo.get(&(dex, f)) {
            return v;
        }
        let Some(name) = self.program.view(dex).and_then(|v| v.field_sig(f)) else {
            return false;
        };
        let package = name
            .find(";->")
            .and_then(|i| name[..i].rfind('/').map(|j| &name[..=j]))
            .unwrap_or("L")
            .to_string();
        self.read_package(&package);
        let v = self.consent_fields.contains(&name);
        self.field_memo.insert((dex, f), v);
        v
    }

    /// Whether calling method_idx `m` yields consent state: a framework or rules check, or an
    /// app method returning a flag that it reads from consent state (two levels deep).
    fn is_check(&mut self, dex: u16, m: u32, depth: usize) -> bool {
        if self.facts(dex, m).check {
            return true;
        }
        let s = self.sig_of(dex, m);
        if let Some(&v) = self.checks.get(&*s) {
            return v;
        }
        if depth > 2 {
            return false;
        }
        let mut v = false;
        if let Some((desc, sub)) = split_sig(&s) {
            if let Some(r) = self.program.lookup(desc, sub) {
                let mc = self.program.method(r);
                v = mc.reads.iter().any(|&f| self.is_consent_field(r.dex, f));
                if !v {
                    v = mc
                        .calls
                        .iter()
                        .any(|c| self.is_check(r.dex, c.callee, depth + 1));
                }
            }
        }
        self.checks.insert(s.to_string(), v);
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
    /// privacy-agree API.
    fn is_callback(&mut self, m: MethodRef, mc: &MethodCode) -> bool {
        mc.calls.iter().any(|c| self.facts(m.dex, c.callee).privacy)
            || mc.writes.iter().any(|&f| self.is_consent_field(m.dex, f))
    }

    fn run(&mut self, entries: &[(MethodRef, &'static str)]) {
        let mut queue: VecDeque<MethodRef> = VecDeque::new();
        for &(m, kind) in entries {
            if self.parent.contains_key(&m) {
                continue;
            }
            self.parent.insert(
                m,
                Reached {
                    parent: None,
                    via: Via::Entry,
                    depth: 0,
                    decided: true,
                    entry: kind,
                },
            );
            queue.push_back(m);
        }
        let program = self.program;
        while let Some(m) = queue.pop_front() {
            let mc = program.method(m);
            let Some(view) = program.view(m.dex) else {
                continue;
            };
            let here = self.parent[&m];
            if here.via != Via::Entry && self.is_callback(m, &mc) {
                continue;
            }
            let consent = self.consent_conds(m.dex, &mc);
            let mc = if consent == 0 {
                mc
            } else {
                std::rc::Rc::new(program.method_guarded(m, consent))
            };
            let decided = here.decided && mc.complete;
            let mut next: Vec<(MethodRef, Via)> = Vec::new();
            for c in &mc.calls {
                if c.guards & consent != 0 {
                    continue;
                }
                let f = self.facts(m.dex, c.callee);
                let sig = self.sig_of(m.dex, c.callee);
                if sig.is_empty() {
                    continue;
                }
                if let Some(i) = f.init {
                    let sdk = self.know.sdk_ids[i].to_string();
                    self.hits
                        .push((Target::SdkInit { sdk }, sig.to_string(), m));
                }
                if let Some(i) = f.data {
                    let data_type = self.know.data_ids[i].to_string();
                    self.hits
                        .push((Target::Data { data_type }, sig.to_string(), m));
                }
                if f.reflection {
                    self.reflective.insert(program.sig(m));
                }
                for &t in self.targets(m.dex, c.callee, c.kind).iter() {
                    next.push((t, Via::Call));
                }
                let Some((desc, sub)) = split_sig(&sig) else {
                    continue;
                };
                if f.hand_off {
                    for &ty in &mc.news {
                        if let Some(t) = view.type_desc(ty) {
                            let t = String::from_utf8_lossy(t);
                            for run in ["run()V", "call()Ljava/lang/Object;"] {
                                if let Some(r) = program.lookup(&t, run) {
                                    next.push((r, Via::HandOff));
                                }
                            }
                        }
                    }
                }
                if c.kind == InvokeKind::Virtual && sub == "start()V" && program.defines(desc) {
                    if let Some(r) = program.lookup(desc, "run()V") {
                        next.push((r, Via::HandOff));
                    }
                }
                if matches!(c.kind, InvokeKind::Static)
                    || (c.kind == InvokeKind::Direct && sub.starts_with("<init>"))
                {
                    if let Some(r) = program.defined(desc, "<clinit>()V") {
                        next.push((r, Via::StaticInit));
                    }
                }
            }
            for &ty in &mc.touches {
                if let Some(t) = view.type_desc(ty) {
                    if let Some(r) = program.defined(&String::from_utf8_lossy(t), "<clinit>()V") {
                        next.push((r, Via::StaticInit));
                    }
                }
            }
            if here.depth >= MAX_DEPTH {
                continue;
            }
            for (t, via) in next {
                if self.parent.contains_key(&t) {
                    continue;
                }
                if self.parent.len() >= MAX_METHODS {
                    self.limited = true;
                    return;
                }
                self.parent.insert(
                    t,
                    Reached {
                        parent: Some(m),
                        via,
                        depth: here.depth + 1,
                        decided,
                        entry: here.entry,
                    },
                );
                queue.push_back(t);
            }
        }
    }

    /// The paths found, at most [`MAX_PATHS`] per target, one per calling method.
    fn paths(&self) -> Vec<ConsentPath> {
        let mut per_target: HashMap<&Target, usize> = HashMap::new();
        let mut seen: HashSet<(&Target, MethodRef)> = HashSet::new();
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
                let Some(r) = self.parent.get(&c) else { break };
                steps.push(PathStep {
                    method: self.program.sig(c),
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
            out.push(ConsentPath {
                target: target.clone(),
                entry_kind: entry.to_string(),
                steps,
                call: call.clone(),
                dex: self.program.dex_name(m.dex).to_string(),
                decided,
            });
        }
        out
    }
}
