//! The app's call graph over its DEX files ([`DexView`]): classes by descriptor, calls resolved
//! exactly (static, direct, super) or by class-hierarchy analysis over the app's own classes
//! (virtual, interface). Built once per app (the class index and the subclass lists), explored
//! lazily: a class's methods and a method's facts are decoded only when the search reaches them.

use crate::apk::dex::calls::{DexView, InvokeKind, MethodCode};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// Most implementations a virtual or interface call is resolved to.
pub const MAX_TARGETS: usize = 64;
/// Most subclasses looked at when resolving one virtual call.
const MAX_SUBCLASSES: usize = 4096;

/// A method with code: (DEX index, method_idx, code_off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MethodRef {
    pub dex: u16,
    pub method: u32,
    pub code: u32,
}

/// A class's methods with code: (method_idx, code_off, `name(params)ret`).
type Methods = Rc<Vec<(u32, u32, String)>>;

/// The app's classes over every DEX file (the first definition of a name wins, as on Android).
pub struct Program<'a> {
    /// The DEX files, with their archive names.
    pub dexes: Vec<(&'a str, DexView<'a>)>,
    classes: HashMap<&'a [u8], (u16, usize)>,
    children: HashMap<&'a [u8], Vec<&'a [u8]>>,
    methods: RefCell<HashMap<(u16, usize), Methods>>,
    facts: RefCell<HashMap<(u16, u32), Rc<MethodCode>>>,
}

impl<'a> Program<'a> {
    /// Indexes the classes of `dexes` and who extends or implements what.
    pub fn new(dexes: Vec<(&'a str, DexView<'a>)>) -> Program<'a> {
        let mut classes = HashMap::new();
        let mut children: HashMap<&[u8], Vec<&[u8]>> = HashMap::new();
        for (d, (_, view)) in dexes.iter().enumerate() {
            let d = u16::try_from(d).unwrap_or(u16::MAX);
            for c in 0..view.class_count() {
                let Some(name) = view.class_desc(c) else {
                    continue;
                };
                if classes.contains_key(name) {
                    continue;
                }
                classes.insert(name, (d, c));
                for parent in view.superclass(c).into_iter().chain(view.interfaces(c)) {
                    children.entry(parent).or_default().push(name);
                }
            }
        }
        Program {
            dexes,
            classes,
            children,
            methods: RefCell::new(HashMap::new()),
            facts: RefCell::new(HashMap::new()),
        }
    }

    /// One DEX file.
    pub fn view(&self, dex: u16) -> Option<&DexView<'a>> {
        self.dexes.get(usize::from(dex)).map(|(_, v)| v)
    }

    /// The archive name of one DEX file.
    pub fn dex_name(&self, dex: u16) -> &'a str {
        self.dexes.get(usize::from(dex)).map_or("", |(n, _)| *n)
    }

    /// Whether the app defines `desc`.
    pub fn defines(&self, desc: &str) -> bool {
        self.classes.contains_key(desc.as_bytes())
    }

    /// Every class the app defines in package `prefix` (`Lcom/a/`; not its subpackages), at
    /// most `max`.
    pub fn classes_under(&self, prefix: &str, max: usize) -> Vec<(u16, usize)> {
        let p = prefix.as_bytes();
        self.classes
            .iter()
            .filter(|(k, _)| k.starts_with(p) && !k[p.len()..].contains(&b'/'))
            .map(|(_, v)| *v)
            .take(max)
            .collect()
    }

    /// The methods with code of a class.
    pub fn class_methods(&self, dex: u16, class: usize) -> Methods {
        if let Some(m) = self.methods.borrow().get(&(dex, class)) {
            return m.clone();
        }
        let list: Vec<(u32, u32, String)> = self
            .view(dex)
            .map(|v| {
                v.methods(class)
                    .into_iter()
                    .filter_map(|(m, code)| {
                        let sig = v.method_sig(m)?;
                        let sub = split_sig(&sig)?.1.to_string();
                        Some((m, code, sub))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let rc = Rc::new(list);
        self.methods.borrow_mut().insert((dex, class), rc.clone());
        rc
    }

    /// The facts of a method (decoded once), without guard bits.
    pub fn method(&self, m: MethodRef) -> Rc<MethodCode> {
        if let Some(f) = self.facts.borrow().get(&(m.dex, m.code)) {
            return f.clone();
        }
        let f = Rc::new(
            self.view(m.dex)
                .map(|v| v.read_method(m.method, m.code, 0))
                .unwrap_or_default(),
        );
        self.facts.borrow_mut().insert((m.dex, m.code), f.clone());
        f
    }

    /// The facts of a method with the guard bits of the conditions in `mask` (decoded again:
    /// only the few methods that branch on consent state).
    pub fn method_guarded(&self, m: MethodRef, mask: u32) -> MethodCode {
        self.view(m.dex)
            .map(|v| v.read_method(m.method, m.code, mask))
            .unwrap_or_default()
    }

    /// The method's signature, `Lcls;->name(params)ret`.
    pub fn sig(&self, m: MethodRef) -> String {
        self.view(m.dex)
            .and_then(|v| v.method_sig(m.method))
            .unwrap_or_default()
    }

    /// The method `sub` (`name(params)ret`) as defined by class `desc` itself.
    pub fn defined(&self, desc: &str, sub: &str) -> Option<MethodRef> {
        let &(d, c) = self.classes.get(desc.as_bytes())?;
        self.class_methods(d, c)
            .iter()
            .find(|(_, _, s)| s == sub)
            .map(|&(method, code, _)| MethodRef {
                dex: d,
                method,
                code,
            })
    }

    /// The superclass of `desc`, when the app defines `desc`.
    fn superclass(&self, desc: &str) -> Option<String> {
        let &(d, c) = self.classes.get(desc.as_bytes())?;
        let s = self.view(d)?.superclass(c)?;
        Some(String::from_utf8_lossy(s).into_owned())
    }

    /// `sub` looked up from `desc` up its superclasses (the implementation a call on an
    /// instance of `desc` runs).
    pub fn lookup(&self, desc: &str, sub: &str) -> Option<MethodRef> {
        let mut cur = Some(desc.to_string());
        for _ in 0..64 {
            let c = cur?;
            if let Some(m) = self.defined(&c, sub) {
                return Some(m);
            }
            cur = self.superclass(&c);
        }
        None
    }

    /// The methods a call of `sig` with `kind` may run: exact for static/direct/super, else the
    /// implementation inherited by the static type plus every override in its app subtypes.
    pub fn resolve(&self, sig: &str, kind: InvokeKind) -> Vec<MethodRef> {
        let Some((desc, sub)) = split_sig(sig) else {
            return Vec::new();
        };
        let key = desc.as_bytes();
        if !self.classes.contains_key(key) && !self.children.contains_key(key) {
            return Vec::new();
        }
        let mut out: Vec<MethodRef> = self.lookup(desc, sub).into_iter().collect();
        if matches!(kind, InvokeKind::Virtual | InvokeKind::Interface) {
            let mut queue = vec![key];
            let mut seen = 0usize;
            while let Some(c) = queue.pop() {
                for &child in self.children.get(c).map_or(&[][..], Vec::as_slice) {
                    seen += 1;
                    if seen > MAX_SUBCLASSES || out.len() >= MAX_TARGETS {
                        return out;
                    }
                    if let Some(m) = self.defined(&String::from_utf8_lossy(child), sub) {
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
    crate::model::readable_method(sig)
}
