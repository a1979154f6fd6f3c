//! The app's call graph over the facts the DEX reader kept ([`DexCode`]): classes by
//! descriptor, calls resolved exactly (static, direct, super) or by class-hierarchy analysis
//! over the app's own classes (virtual, interface). Built once per app, explored lazily: only
//! the methods reached from the entry points are ever resolved.

use crate::apk::dex::calls::{ClassCode, DexCode, InvokeKind, MethodCode};
use std::collections::HashMap;

/// Most implementations a virtual or interface call is resolved to.
pub const MAX_TARGETS: usize = 64;
/// Most subclasses looked at when resolving one virtual call.
const MAX_SUBCLASSES: usize = 4096;

/// A method with code: (DEX index, class index, method index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MethodRef {
    pub dex: u16,
    pub class: u32,
    pub method: u32,
}

/// The app's classes over every DEX file (the first definition of a name wins, as on Android).
pub struct Program<'a> {
    /// The DEX files' facts, with their archive names.
    pub dexes: Vec<(&'a str, &'a DexCode)>,
    classes: HashMap<&'a str, (u16, u32)>,
    children: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Program<'a> {
    /// Indexes the classes of `dexes`.
    pub fn new(dexes: Vec<(&'a str, &'a DexCode)>) -> Program<'a> {
        let mut classes = HashMap::new();
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for (d, (_, code)) in dexes.iter().enumerate() {
            let d = u16::try_from(d).unwrap_or(u16::MAX);
            for (c, class) in code.classes.iter().enumerate() {
                let Some(name) = code.types.get(class.name as usize) else {
                    continue;
                };
                if classes.contains_key(name.as_str()) {
                    continue;
                }
                classes.insert(name.as_str(), (d, u32::try_from(c).unwrap_or(u32::MAX)));
                for parent in class.superclass.iter().chain(&class.interfaces) {
                    if let Some(p) = code.types.get(*parent as usize) {
                        children.entry(p.as_str()).or_default().push(name.as_str());
                    }
                }
            }
        }
        Program {
            dexes,
            classes,
            children,
        }
    }

    /// The facts of one DEX file.
    pub fn code(&self, dex: u16) -> Option<&'a DexCode> {
        self.dexes.get(usize::from(dex)).map(|(_, c)| *c)
    }

    /// The archive name of one DEX file.
    pub fn dex_name(&self, dex: u16) -> &'a str {
        self.dexes.get(usize::from(dex)).map_or("", |(n, _)| *n)
    }

    /// A class defined in the app.
    pub fn class(&self, desc: &str) -> Option<(u16, &'a ClassCode)> {
        let &(d, c) = self.classes.get(desc)?;
        Some((d, self.code(d)?.classes.get(c as usize)?))
    }

    /// Whether the app defines `desc`.
    pub fn defines(&self, desc: &str) -> bool {
        self.classes.contains_key(desc)
    }

    /// The method's facts.
    pub fn method(&self, m: MethodRef) -> Option<&'a MethodCode> {
        self.code(m.dex)?
            .classes
            .get(m.class as usize)?
            .methods
            .get(m.method as usize)
    }

    /// The method's signature, `Lcls;->name(params)ret`.
    pub fn sig(&self, m: MethodRef) -> &'a str {
        self.method(m)
            .and_then(|mc| self.code(m.dex)?.sigs.get(mc.sig as usize))
            .map_or("", String::as_str)
    }

    /// The method `sub` (`name(params)ret`) as defined by class `desc` itself.
    pub fn defined(&self, desc: &str, sub: &str) -> Option<MethodRef> {
        let &(d, c) = self.classes.get(desc)?;
        let code = self.code(d)?;
        let class = code.classes.get(c as usize)?;
        class.methods.iter().enumerate().find_map(|(i, m)| {
            let s = code.sigs.get(m.sig as usize)?;
            let rest = s.strip_prefix(desc)?.strip_prefix("->")?;
            (rest == sub).then(|| MethodRef {
                dex: d,
                class: c,
                method: u32::try_from(i).unwrap_or(u32::MAX),
            })
        })
    }

    /// The superclass of `desc`, when the app defines `desc`.
    fn superclass(&self, desc: &str) -> Option<&'a str> {
        let (d, class) = self.class(desc)?;
        let s = class.superclass?;
        self.code(d)?.types.get(s as usize).map(String::as_str)
    }

    /// `sub` looked up from `desc` up its superclasses (the implementation a call on an
    /// instance of `desc` runs).
    pub fn lookup(&self, desc: &str, sub: &str) -> Option<MethodRef> {
        let mut cur = Some(desc);
        for _ in 0..64 {
            let c = cur?;
            if let Some(m) = self.defined(c, sub) {
                return Some(m);
            }
            cur = self.superclass(c);
        }
        None
    }

    /// The methods a call of `sig` with `kind` may run: exact for static/direct/super, else the
    /// implementation inherited by the static type plus every override in its app subtypes.
    pub fn resolve(&self, sig: &str, kind: InvokeKind) -> Vec<MethodRef> {
        let Some((desc, sub)) = split_sig(sig) else {
            return Vec::new();
        };
        if !self.defines(desc) && !self.children.contains_key(desc) {
            return Vec::new();
        }
        let mut out: Vec<MethodRef> = self.lookup(desc, sub).into_iter().collect();
        if matches!(kind, InvokeKind::Virtual | InvokeKind::Interface) {
            let mut queue = vec![desc];
            let mut seen = 0usize;
            while let Some(c) = queue.pop() {
                for &child in self.children.get(c).map_or(&[][..], Vec::as_slice) {
                    seen += 1;
                    if seen > MAX_SUBCLASSES || out.len() >= MAX_TARGETS {
                        return out;
                    }
                    if let Some(m) = self.lookup(child, sub) {
                        if !out.contains(&m) {
                            out.push(m);
                        }
                    }
                    queue.push(child);
                }
            }
        }
        out
    }
}

/// `Lcls;->name(params)ret` -> (`Lcls;`, `name(params)ret`).
pub fn split_sig(sig: &str) -> Option<(&str, &str)> {
    let i = sig.find(";->")?;
    Some((&sig[..=i], &sig[i + 3..]))
}

/// `Lcls;->name(params)ret` -> `Lcls;->name` (the form of rules/apis.toml).
pub fn api_of(sig: &str) -> &str {
    sig.split('(').next().unwrap_or(sig)
}

/// `Lcom/a/B$C;->run()V` -> `com.a.B$C.run()`: the readable form of a path step.
pub fn readable(sig: &str) -> String {
    let Some((desc, sub)) = split_sig(sig) else {
        return sig.to_string();
    };
    let class = crate::apk::dex::java_name(desc);
    let name = sub.split('(').next().unwrap_or(sub);
    format!("{class}.{name}()")
}
