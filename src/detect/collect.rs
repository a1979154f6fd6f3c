//! The single pass over an app's evidence: every signature hit, grouped per SDK.

use super::evidence::{component_kind_of, is_code_file, suffix_matches, switches_off};
use super::{file_name, path_in_split, EvidenceSource};
use crate::apk::manifest::ComponentKind;
use crate::apk::App;
use crate::rules::sdks::{ManifestKind, SdkCatalog, SdkRule, SigConfidence, SigMeta, SigRef};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Which signature list of an entry a hit refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum SigList {
    Class,
    Native,
    Manifest,
    Asset,
    DexString,
}

/// Whether a hit can report the SDK or only corroborates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Role {
    /// Counts toward reporting.
    Counts,
    /// A vendor base package or key: corroborates only.
    Base,
    /// Also claimed by a `shared_with` partner: corroborates only.
    Shared,
    /// A copy shipped inside this host SDK.
    Bundled(String),
    /// Classes that ship inside this platform library (`play-services-base`).
    Shipped(String),
    /// Another SDK's adapter for this one (the aggregator's id): a channel, not this SDK.
    Via(String),
    /// A `<meta-data>` switch set to a value that turns the SDK off (`key=false`).
    Disabled,
}

/// Whether a hit is evidence of code or only of configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Classes in the DEX, a native library, a JNI export, a component whose class is in the
    /// DEX under the SDK's own package.
    Code,
    /// Meta-data keys, app keys, permissions, resource names, strings (URLs), asset paths,
    /// components whose classes are absent from the DEX or belong to the app.
    Config,
}

/// One signature hit (aggregated over the items it matched).
#[derive(Debug, Clone)]
pub(super) struct Hit {
    pub source: EvidenceSource,
    pub value: String,
    pub count: usize,
    pub secondary: bool,
    pub confidence: SigConfidence,
    pub role: Role,
    pub kind: Kind,
    /// Why the hit does not count, or counts only as configuration (for the evidence).
    pub note: Option<String>,
}

/// Every hit per SDK (catalog index), plus the Maven artifacts the archive names.
#[derive(Debug, Default)]
pub(super) struct Collected {
    pub per_sdk: BTreeMap<usize, Vec<Hit>>,
    pub artifacts: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    sdk: usize,
    source: EvidenceSource,
    list: SigList,
    sig: usize,
    secondary: bool,
    /// Distinct items kept apart (components, keys); `None` aggregates (classes, libraries).
    item: Option<String>,
    /// The class a manifest component (or the application) names.
    component: Option<String>,
    /// A meta-data switch set to turn the SDK off.
    off: bool,
}

/// What is known of the classes that manifest components name.
pub(super) struct Components<'a> {
    /// Component (and application) classes that the DEX defines.
    pub defined: HashSet<&'a str>,
    /// The app's own packages (manifest package).
    pub app_package: &'a str,
}

struct Acc<'a> {
    cat: &'a SdkCatalog,
    hits: HashMap<Key, (String, usize)>,
}

fn meta_of(rule: &SdkRule, list: SigList, sig: usize) -> Option<&SigMeta> {
    match list {
        SigList::Class => rule.class_prefixes.get(sig).map(|s| &s.meta),
        SigList::Native => rule.native_libs.get(sig).map(|s| &s.meta),
        SigList::Manifest => rule.manifest.get(sig).map(|s| &s.meta),
        SigList::Asset => rule.assets.get(sig).map(|s| &s.meta),
        SigList::DexString => rule.dex_strings.get(sig).map(|s| &s.meta),
    }
}

impl Acc<'_> {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        owners: &[SigRef],
        source: EvidenceSource,
        list: SigList,
        value: &str,
        item: Option<&str>,
        secondary: bool,
        n: usize,
    ) {
        self.add_item(owners, source, list, value, item, None, false, secondary, n);
    }

    #[allow(clippy::too_many_arguments)]
    fn add_item(
        &mut self,
        owners: &[SigRef],
        source: EvidenceSource,
        list: SigList,
        value: &str,
        item: Option<&str>,
        component: Option<&str>,
        off: bool,
        secondary: bool,
        n: usize,
    ) {
        for r in owners {
            let key = Key {
                sdk: r.sdk,
                source,
                list,
                sig: r.sig,
                secondary,
                item: item.map(str::to_string),
                component: component.map(str::to_string),
                off,
            };
            let e = self
                .hits
                .entry(key)
                .or_insert_with(|| (value.to_string(), 0));
            e.1 += n;
        }
    }

    fn finish(
        self,
        owners_of: &HashMap<(SigList, String), BTreeSet<usize>>,
        comps: &Components<'_>,
    ) -> Collected {
        let mut per_sdk: BTreeMap<usize, Vec<Hit>> = BTreeMap::new();
        for (k, (value, count)) in self.hits {
            let Some(rule) = self.cat.at(k.sdk) else {
                continue;
            };
            let Some(meta) = meta_of(rule, k.list, k.sig) else {
                continue;
            };
            let sig_value = sig_value(rule, k.list, k.sig);
            let shared = owners_of
                .get(&(k.list, sig_value.to_string()))
                .is_some_and(|sdks| {
                    sdks.iter().any(|&o| {
                        o != k.sdk
                            && self.cat.at(o).is_some_and(|p| {
                                rule.shared_with.contains(&p.id) || p.shared_with.contains(&rule.id)
                            })
                    })
                });
            let mut note = None;
            let mut role = if let Some(h) = &meta.bundled_in {
                note = Some(format!("a copy shipped inside {h}"));
                Role::Bundled(h.clone())
            } else if let Some(p) = &meta.shipped_with {
                note = Some(format!("ships inside {p}: not the SDK on its own"));
                Role::Shipped(p.clone())
            } else if let Some(v) = &meta.via {
                note = Some(format!("{v}'s adapter for this SDK: a channel via {v}"));
                Role::Via(v.clone())
            } else if k.off {
                note = Some("a switch that turns the SDK off: not presence".to_string());
                Role::Disabled
            } else if meta.base {
                note = Some("a vendor base package or key: corroborates only".to_string());
                Role::Base
            } else if shared {
                note = Some("shared with another entry on purpose: corroborates only".to_string());
                Role::Shared
            } else {
                Role::Counts
            };
            let kind = match (k.source, &k.component) {
                (
                    EvidenceSource::DexClass | EvidenceSource::NativeLib | EvidenceSource::JniClass,
                    _,
                ) => Kind::Code,
                (_, Some(class)) => {
                    let (kind, owner, why) = component_kind_of(self.cat, k.sdk, class, comps);
                    if let (Role::Counts, Some(o)) = (&role, owner) {
                        role = Role::Via(o);
                    }
                    note = match (note, why) {
                        (Some(a), Some(b)) => Some(format!("{b}; {a}")),
                        (a, b) => a.or(b),
                    };
                    kind
                }
                // A packer's payload files are its code; any SDK's code shipped as a file
                // (a DEX, jar, library or APK under assets/) is code too.
                (EvidenceSource::Asset, _)
                    if rule.is_packer() || is_code_file(path_in_split(&value)) =>
                {
                    Kind::Code
                }
                (EvidenceSource::DexString, _)
                    if rule.dex_strings.get(k.sig).is_some_and(|d| d.own_code) =>
                {
                    Kind::Code
                }
                _ => Kind::Config,
            };
            if kind == Kind::Config && note.is_none() && role == Role::Counts {
                note = Some("configuration only: not evidence of the SDK's code".to_string());
            }
            per_sdk.entry(k.sdk).or_default().push(Hit {
                source: k.source,
                value,
                count,
                secondary: k.secondary,
                confidence: meta.confidence,
                role,
                kind,
                note,
            });
        }
        for hits in per_sdk.values_mut() {
            hits.sort_by(|a, b| {
                (a.source, &a.value, a.secondary).cmp(&(b.source, &b.value, b.secondary))
            });
        }
        Collected {
            per_sdk,
            artifacts: Vec::new(),
        }
    }
}

fn sig_value(rule: &SdkRule, list: SigList, sig: usize) -> &str {
    match list {
        SigList::Class => rule.class_prefixes.get(sig).map_or("", |s| &s.value),
        SigList::Native => rule.native_libs.get(sig).map_or("", |s| &s.regex),
        SigList::Manifest => rule.manifest.get(sig).map_or("", |s| &s.name),
        SigList::Asset => rule.assets.get(sig).map_or("", |s| &s.regex),
        SigList::DexString => rule.dex_strings.get(sig).map_or("", |s| &s.value),
    }
}

/// Which SDKs claim each signature value (to tell shared signatures apart).
fn owners_by_value(cat: &SdkCatalog) -> HashMap<(SigList, String), BTreeSet<usize>> {
    let mut m: HashMap<(SigList, String), BTreeSet<usize>> = HashMap::new();
    // Only entries in a shared_with relation can share a signature value with another.
    for &i in cat.shared_entries() {
        let Some(r) = cat.at(i) else {
            continue;
        };
        let mut put = |list, v: &str| {
            m.entry((list, v.to_string())).or_default().insert(i);
        };
        for s in &r.class_prefixes {
            put(SigList::Class, &s.value);
        }
        for s in &r.native_libs {
            put(SigList::Native, &s.regex);
        }
        for s in &r.manifest {
            put(SigList::Manifest, &s.name);
        }
        for s in &r.assets {
            put(SigList::Asset, &s.regex);
        }
    }
    m
}

fn component_kind(k: ComponentKind) -> (ManifestKind, ManifestKind) {
    match k {
        ComponentKind::Activity | ComponentKind::ActivityAlias => {
            (ManifestKind::Activity, ManifestKind::ActivityRegex)
        }
        ComponentKind::Service => (ManifestKind::Service, ManifestKind::ServiceRegex),
        ComponentKind::Receiver => (ManifestKind::Receiver, ManifestKind::ReceiverRegex),
        ComponentKind::Provider => (ManifestKind::Provider, ManifestKind::ProviderRegex),
    }
}

/// Runs every matcher over the app's evidence once.
pub(super) fn collect(app: &App, cat: &SdkCatalog) -> Collected {
    let idx = cat.index();
    let mut acc = Acc {
        cat,
        hits: HashMap::new(),
    };

    // Classes of every DEX, secondary code included.
    for dex in &app.dex {
        let mut counts: HashMap<*const [SigRef], (&[SigRef], usize)> = HashMap::new();
        for class in &dex.classes {
            if let Some(owners) = idx.classes.longest(class) {
                counts
                    .entry(owners as *const [SigRef])
                    .or_insert((owners, 0))
                    .1 += 1;
            }
            if let Some((ac, refs)) = &idx.contains {
                for m in ac.find_iter(&class[..]) {
                    if let Some(r) = refs.get(m.pattern().as_usize()) {
                        let v = prefix_value(cat, *r);
                        acc.add(
                            std::slice::from_ref(r),
                            EvidenceSource::DexClass,
                            SigList::Class,
                            &v,
                            None,
                            dex.secondary,
                            1,
                        );
                    }
                }
            }
        }
        for (owners, n) in counts.into_values() {
            for r in owners {
                let v = prefix_value(cat, *r);
                acc.add(
                    std::slice::from_ref(r),
                    EvidenceSource::DexClass,
                    SigList::Class,
                    &v,
                    None,
                    dex.secondary,
                    n,
                );
            }
        }
        for s in &dex.strings_found {
            if let Some(owners) = idx.dex_strings.get(s) {
                acc.add(
                    owners,
                    EvidenceSource::DexString,
                    SigList::DexString,
                    s,
                    None,
                    dex.secondary,
                    1,
                );
            }
        }
    }

    // Native libraries: lib/<abi>/*.so and any other .so entry (packers put them in assets/).
    let mut so_paths: BTreeSet<&str> = app.native_libs.iter().map(|l| l.path.as_str()).collect();
    so_paths.extend(
        app.entries
            .iter()
            .filter(|e| e.ends_with(".so") || e.contains(".so."))
            .map(String::as_str),
    );
    for path in &so_paths {
        let name = file_name(path);
        for r in idx.native.matches(name) {
            acc.add(
                &[r],
                EvidenceSource::NativeLib,
                SigList::Native,
                path,
                None,
                false,
                1,
            );
        }
    }
    for lib in &app.native_libs {
        for class in &lib.jni_classes {
            if let Some(owners) = idx.classes.longest(class) {
                for r in owners {
                    let v = prefix_value(cat, *r);
                    acc.add(
                        std::slice::from_ref(r),
                        EvidenceSource::JniClass,
                        SigList::Class,
                        &v,
                        None,
                        false,
                        1,
                    );
                }
            }
        }
    }

    // Archive entries. In a split APK set an entry is `<split>.apk!<path>`: rules see the path
    // inside the split (assets may ship in a feature split), evidence keeps the full name.
    let mut artifacts = Vec::new();
    for entry in &app.entries {
        let inner = path_in_split(entry);
        for r in idx.assets.matches(inner) {
            acc.add(
                &[r],
                EvidenceSource::Asset,
                SigList::Asset,
                entry,
                None,
                false,
                1,
            );
        }
        if let Some(stem) = inner
            .strip_prefix("META-INF/")
            .and_then(|s| s.strip_suffix(".version"))
        {
            if let Some((group, artifact)) = stem.split_once('_') {
                if !group.contains('/') {
                    artifacts.push((group.to_string(), artifact.to_string()));
                }
            }
        }
    }

    // String resource names (resources.arsc).
    for name in &app.string_resources {
        if let Some(owners) = idx.resource_strings.get(name) {
            acc.add(
                owners,
                EvidenceSource::ResourceString,
                SigList::Manifest,
                name,
                Some(name),
                false,
                1,
            );
        }
    }

    // The manifest.
    let m = &app.manifest;
    let meta_data = |md: &[crate::apk::manifest::MetaData], acc: &mut Acc<'_>| {
        for d in md {
            let Some(owners) = idx.meta_data.get(&d.name) else {
                continue;
            };
            for r in owners {
                let sig = cat.at(r.sdk).and_then(|rule| rule.manifest.get(r.sig));
                let off = sig.is_some_and(|s| switches_off(s, &d.name, d.value.as_deref()));
                let value = match (&d.value, off) {
                    (Some(v), true) => format!("{}={v}", d.name),
                    _ => d.name.clone(),
                };
                acc.add_item(
                    std::slice::from_ref(r),
                    EvidenceSource::ManifestMetaData,
                    SigList::Manifest,
                    &value,
                    Some(&value),
                    None,
                    off,
                    false,
                    1,
                );
            }
        }
    };
    meta_data(&m.meta_data, &mut acc);
    for c in &m.components {
        let (exact, regex_kind) = component_kind(c.kind);
        let item = Some(c.name.as_str());
        if let Some(owners) = idx.components.get(&(exact, c.name.clone())) {
            acc.add_item(
                owners,
                EvidenceSource::ManifestComponent,
                SigList::Manifest,
                &c.name,
                item,
                Some(&c.name),
                false,
                false,
                1,
            );
        }
        for (kind, set) in &idx.component_regex {
            if *kind == regex_kind {
                for r in set.matches(&c.name) {
                    acc.add_item(
                        &[r],
                        EvidenceSource::ManifestComponent,
                        SigList::Manifest,
                        &c.name,
                        item,
                        Some(&c.name),
                        false,
                        false,
                        1,
                    );
                }
            }
        }
        if exact == ManifestKind::Activity {
            for (suffix, r) in &idx.activity_suffixes {
                if suffix_matches(&c.name, suffix) {
                    acc.add_item(
                        &[*r],
                        EvidenceSource::ManifestComponent,
                        SigList::Manifest,
                        &c.name,
                        item,
                        Some(&c.name),
                        false,
                        false,
                        1,
                    );
                }
            }
        }
        for f in &c.intent_filters {
            if c.kind == ComponentKind::Service {
                for a in &f.actions {
                    if let Some(owners) = idx.service_actions.get(a) {
                        let v = format!("{} (action {a})", c.name);
                        acc.add_item(
                            owners,
                            EvidenceSource::ManifestComponent,
                            SigList::Manifest,
                            &v,
                            Some(&v),
                            Some(&c.name),
                            false,
                            false,
                            1,
                        );
                    }
                }
            }
            if exact == ManifestKind::Activity {
                for s in &f.schemes {
                    for r in idx.data_schemes.matches(s) {
                        let v = format!("{} (scheme {s})", c.name);
                        acc.add_item(
                            &[r],
                            EvidenceSource::ManifestComponent,
                            SigList::Manifest,
                            &v,
                            Some(&v),
                            Some(&c.name),
                            false,
                            false,
                            1,
                        );
                    }
                }
            }
        }
        meta_data(&c.meta_data, &mut acc);
    }
    if let Some(name) = &m.application.name {
        if let Some(owners) = idx.application_names.get(name) {
            acc.add_item(
                owners,
                EvidenceSource::ApplicationClass,
                SigList::Manifest,
                name,
                Some(name),
                Some(name),
                false,
                false,
                1,
            );
        }
        if let Some(owners) = idx.classes.longest(name) {
            for r in owners {
                let v = prefix_value(cat, *r);
                acc.add_item(
                    std::slice::from_ref(r),
                    EvidenceSource::ApplicationClass,
                    SigList::Class,
                    &v,
                    Some(name),
                    Some(name),
                    false,
                    false,
                    1,
                );
            }
        }
    }
    let perms = m
        .uses_permissions
        .iter()
        .map(|p| p.name.as_str())
        .chain(m.declared_permissions.iter().map(|p| p.name.as_str()));
    for p in perms {
        for r in idx.permissions.matches(p) {
            acc.add(
                &[r],
                EvidenceSource::ManifestPermission,
                SigList::Manifest,
                p,
                Some(p),
                false,
                1,
            );
        }
    }

    // Which component classes the DEX defines (one pass, over a small set of names).
    let mut wanted: HashSet<&str> = m.components.iter().map(|c| c.name.as_str()).collect();
    if let Some(name) = &m.application.name {
        wanted.insert(name.as_str());
    }
    let mut defined = HashSet::new();
    if !wanted.is_empty() {
        for class in app.dex.iter().flat_map(|d| d.classes.iter()) {
            if let Some(&w) = wanted.get(class.as_str()) {
                defined.insert(w);
            }
        }
    }
    let comps = Components {
        defined,
        app_package: &m.package,
    };
    let owners_of = owners_by_value(cat);
    let mut out = acc.finish(&owners_of, &comps);
    artifacts.sort();
    artifacts.dedup();
    out.artifacts = artifacts;
    out
}

fn prefix_value(cat: &SdkCatalog, r: SigRef) -> String {
    cat.at(r.sdk)
        .and_then(|rule| rule.class_prefixes.get(r.sig))
        .map(|c| c.value.clone())
        .unwrap_or_default()
}
