//! The app's call graph over its DEX files ([`DexView`]): classes by descriptor, calls resolved
//! exactly (static, direct, super) or by class-hierarchy analysis over the app's own classes
//! (virtual, interface), each implementation with the class an instance of which it needs (the
//! search keeps those of the classes instantiated before consent). Built once per app (the class index and the subclass lists), explored
//! lazily: a class's methods and a method's facts are decoded only when the search reaches them.
//!
//! Everything is identified by integers: a class by the id of its descriptor, a called method
//! by a *key* (one per DEX file and method_idx, with the ids of its class and of its
//! `name(params)ret`), a method with code by a dense *id*. The strings are built once per
//! method_idx, to intern them; readable names are made only for what is reported.

use crate::apk::dex::calls::{DexView, InvokeKind, MethodCode};
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

/// A fast hasher keyed once per process (a folded multiply over 8-byte words, seeded from
/// std's random keys), for the maps whose keys come from the file: class names, signatures,
/// field names. SipHash was most of their cost; an unkeyed hash could be flooded by a file.
#[derive(Clone, Copy)]
pub struct Keyed(u64);

impl Default for Keyed {
    fn default() -> Keyed {
        use std::hash::{BuildHasher, Hasher};
        thread_local! {
            static SEED: u64 = std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish();
        }
        Keyed(SEED.with(|s| *s))
    }
}

impl std::hash::BuildHasher for Keyed {
    type Hasher = KeyedHasher;
    fn build_hasher(&self) -> KeyedHasher {
        KeyedHasher(self.0)
    }
}

/// The hasher of [`Keyed`].
pub struct KeyedHasher(u64);

const MUL: u64 = 0x9E37_79B9_7F4A_7C15;
const MUL2: u64 = 0xA076_1D64_78BD_642F;

fn fold(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
}

impl std::hash::Hasher for KeyedHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = fold(self.0 ^ w, MUL);
        }
        let rest = chunks.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        // The length tells "ab" from "ab\0".
        self.0 = fold(
            self.0 ^ u64::from_le_bytes(last),
            MUL2 ^ (bytes.len() as u64),
        );
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = fold(self.0 ^ n, MUL);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        fold(self.0, MUL2)
    }
}

/// A map keyed by what the file says.
pub type Map<K, V> = HashMap<K, V, Keyed>;

/// Package (`Lcom/a/`, or `L`) -> its classes (dex, class_def) in definition order.
type Packages<'a> = Map<&'a [u8], Vec<(u16, u32)>>;

/// Most implementations a virtual or interface call is resolved to.
pub const MAX_TARGETS: usize = 64;
/// Most subclasses looked at when resolving one virtual call.
const MAX_SUBCLASSES: usize = 4096;
/// No id.
pub const NONE: u32 = u32::MAX;
/// The name print of a method whose name cannot be read.
const BAD_NAME: u64 = 2;
/// The name print of a method whose name is not plain ASCII or holds a `(` (its decoded form,
/// or its subsignature's name part, may differ from its bytes): it is always compared whole.
const ODD_NAME: u64 = 4;

/// The print of a method name: a hash with its low bit set (the even values above are not
/// prints). Equal names have equal prints; a print shared by chance only costs a comparison.
fn name_print(name: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    Keyed(0x5EED).hash_one(name) | 1
}

/// A method with code: (DEX index, method_idx, code_off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MethodRef {
    pub dex: u16,
    pub method: u32,
    pub code: u32,
}

/// What a method_idx names, interned.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The DEX file.
    pub dex: u16,
    /// Its method_idx there.
    pub method: u32,
    /// Whether its signature `Lcls;->name(params)ret` can be read at all.
    pub readable: bool,
    /// The id of its class descriptor among the classes the app defines or extends ([`NONE`]
    /// when it is neither, or the signature does not split).
    pub class: u32,
    /// The id of its `name(params)ret` ([`NONE`] when the signature does not split).
    pub sub: u32,
    /// `sub` starts with `<init>`.
    pub init: bool,
}

/// What a call may run: each implementation with the class an instance of which it needs
/// ([`NONE`]: none, an exact call).
pub type Targets = Rc<[(MethodRef, u32)]>;

/// One class descriptor of the class index.
#[derive(Clone, Copy)]
struct Class {
    /// A definition was seen (the first one wins, as on Android).
    seen: bool,
    /// Where it is defined, when its name is valid UTF-8 (no name the search looks up can
    /// match another).
    def: Option<(u16, u32)>,
    /// Its superclass's id, when that name is valid UTF-8.
    sup: u32,
    /// Its direct subclasses and implementations, in definition order (a list through `edges`).
    first_child: u32,
    last_child: u32,
}

const NO_CLASS: Class = Class {
    seen: false,
    def: None,
    sup: NONE,
    first_child: NONE,
    last_child: NONE,
};

/// The per-DEX tables, indexed by the file's own ids (0: not looked at yet, else id + 1);
/// made when the search first asks about the file ([`Program::ensure`]).
#[derive(Default)]
struct Tables {
    /// The vectors below are sized.
    ready: bool,
    /// method_idx -> key.
    keys: Vec<u32>,
    /// method_idx -> method id (of the first code_off seen with it).
    ids: Vec<u32>,
    /// type_idx -> class id + 1 ([`NONE`]: not a class the index knows).
    types: Vec<u32>,
    /// class_def -> index into `Program::lists`.
    lists: Vec<u32>,
    /// type_idx -> how its decoded descriptor ends a signature: 0 not read yet, 1 unreadable,
    /// 2 odd (no `;` at its end, or a `;->` inside: the signature is split as a whole), 3 fine.
    decl: Vec<u8>,
    /// type_idx -> the id of its decoded descriptor when `decl` is 3 ([`NONE`]: no class).
    decl_class: Vec<u32>,
    /// (name string_idx, proto_idx) -> subsignature id ([`NONE`]: unreadable).
    subs: Map<(u32, u16), u32>,
}

/// The app's classes over every DEX file (the first definition of a name wins, as on Android).
pub struct Program<'a> {
    /// The DEX files, with their archive names.
    pub dexes: Vec<(&'a str, DexView<'a>)>,
    /// Class descriptor -> id: the names as defined (raw bytes when they are valid UTF-8, which
    /// is then what decoding gives; others behind a 0xFF byte, which no decoded name holds).
    class_ids: Map<Cow<'a, [u8]>, u32>,
    classes: Vec<Class>,
    /// (child, next) links of the subclass lists.
    edges: Vec<(u32, u32)>,
    /// Every class defined, first definitions only, in definition order: (dex, def).
    order: Vec<(u16, u32)>,
    /// The descriptor of each class of `order`, as the file has it.
    descs: Vec<&'a [u8]>,
    /// Package (`Lcom/a/`, or `L`) -> its classes in definition order, built on first use.
    packages: Option<Packages<'a>>,
    /// `name(params)ret` -> id.
    subs: Map<Box<[u8]>, u32>,
    tables: Vec<Tables>,
    keys: Vec<Key>,
    /// Per key, what a call of it may run: (exact, virtual) resolutions.
    resolved: Vec<[Option<Targets>; 2]>,
    /// The methods with code by id, and their facts (decoded once).
    methods: Vec<MethodRef>,
    facts: Vec<Option<Rc<MethodCode>>>,
    /// Method refs whose method_idx slot holds another code_off (hostile files only).
    other_ids: Map<MethodRef, u32>,
    /// The methods with code of the classes read: (name print, method).
    lists: Vec<Box<[(u64, MethodRef)]>>,
    /// Per subsignature id, the print of its name part.
    sub_name: Vec<u64>,
    /// Ids of the subsignatures the search asks for.
    pub run_sub: u32,
    pub call_sub: u32,
    pub start_sub: u32,
    pub clinit_sub: u32,
    /// Per subsignature id, whether it is a constructor's.
    sub_init: Vec<bool>,
    /// A signature being read.
    buf: String,
    /// The resolution of a call of nothing the app defines.
    empty: Targets,
}

/// Per type_idx of one DEX file, while the class index is built: 0 not read yet, 1 unreadable,
/// else `(class id << 1 | plain) + 2`.
struct TypeMemo(Vec<u32>);

impl TypeMemo {
    fn new(types: usize) -> TypeMemo {
        TypeMemo(vec![0; types])
    }

    /// The class id of type_idx `t`, whether its name is plain, and the name when it was read
    /// now (None when remembered).
    fn get<'a>(
        &mut self,
        p: &mut Program<'a>,
        view: &DexView<'a>,
        t: u32,
    ) -> Option<(u32, bool, Option<&'a [u8]>)> {
        let slot = self.0.get_mut(usize::try_from(t).ok()?)?;
        match *slot {
            1 => return None,
            0 => {}
            v => {
                let v = v - 2;
                return Some((v >> 1, v & 1 == 1, None));
            }
        }
        let Some(name) = view.type_desc(t) else {
            *slot = 1;
            return None;
        };
        let id = p.class_id(name);
        let is_plain = plain(name);
        *slot = ((id << 1) | u32::from(is_plain)).saturating_add(2);
        Some((id, is_plain, Some(name)))
    }
}

/// Whether a descriptor's raw bytes are what decoding them gives (valid UTF-8: MUTF-8's
/// special forms, a surrogate or `C0 80`, are not).
fn plain(raw: &[u8]) -> bool {
    raw.is_ascii() || std::str::from_utf8(raw).is_ok()
}

/// The class index key of a descriptor as the file has it.
fn class_key(raw: &[u8]) -> Cow<'_, [u8]> {
    if plain(raw) {
        Cow::Borrowed(raw)
    } else {
        let mut k = Vec::with_capacity(raw.len() + 1);
        k.push(0xFF);
        k.extend_from_slice(raw);
        Cow::Owned(k)
    }
}

/// The package of a class descriptor: through its last `/`, or `L` for a class without one.
fn package_of(desc: &[u8]) -> Option<&[u8]> {
    match desc.iter().rposition(|&b| b == b'/') {
        Some(j) => Some(&desc[..=j]),
        None => desc.starts_with(b"L").then_some(&b"L"[..]),
    }
}

/// A table slot: 0 is empty, `u32::MAX` holds [`NONE`], anything else an id + 1.
fn slot(v: &[u32], i: u32) -> Option<u32> {
    match *v.get(usize::try_from(i).ok()?)? {
        0 => None,
        u32::MAX => Some(NONE),
        x => Some(x - 1),
    }
}

fn set_slot(v: &mut [u32], i: u32, x: u32) {
    if let Some(s) = usize::try_from(i).ok().and_then(|i| v.get_mut(i)) {
        *s = x.saturating_add(1);
    }
}

impl<'a> Program<'a> {
    /// Indexes the classes of `dexes` and who extends or implements what.
    pub fn new(dexes: Vec<(&'a str, DexView<'a>)>) -> Program<'a> {
        let classes: usize = dexes.iter().map(|(_, v)| v.class_count()).sum();
        let mut p = Program {
            class_ids: Map::with_capacity_and_hasher(classes, Keyed::default()),
            classes: Vec::with_capacity(classes + classes / 8),
            edges: Vec::with_capacity(classes + classes / 4),
            order: Vec::with_capacity(classes),
            descs: Vec::with_capacity(classes),
            packages: None,
            subs: Map::default(),
            tables: dexes.iter().map(|_| Tables::default()).collect(),
            keys: Vec::new(),
            resolved: Vec::new(),
            methods: Vec::new(),
            facts: Vec::new(),
            other_ids: Map::default(),
            lists: Vec::new(),
            sub_name: Vec::new(),
            run_sub: 0,
            call_sub: 0,
            start_sub: 0,
            clinit_sub: 0,
            sub_init: Vec::new(),
            buf: String::new(),
            empty: Rc::from(Vec::new()),
            dexes: Vec::new(),
        };
        for (d, (_, view)) in dexes.iter().enumerate() {
            let d = u16::try_from(d).unwrap_or(u16::MAX);
            // type_idx -> its class id and whether its name is plain, each descriptor read and
            // hashed once per file (a superclass such as java.lang.Object is named by thousands
            // of class_defs).
            let mut memo = TypeMemo::new(view.type_count());
            for c in 0..view.class_count() {
                let Some(t) = view.class_type(c) else {
                    continue;
                };
                let Some((id, name_plain, read)) = memo.get(&mut p, view, t) else {
                    continue;
                };
                // Named before as another class's supertype: read again.
                let Some(name) = read.or_else(|| view.type_desc(t)) else {
                    continue;
                };
                if p.classes[id as usize].seen {
                    continue;
                }
                let c32 = u32::try_from(c).unwrap_or(u32::MAX);
                p.classes[id as usize].seen = true;
                if name_plain {
                    p.classes[id as usize].def = Some((d, c32));
                }
                p.order.push((d, c32));
                p.descs.push(name);
                if let Some((sid, sup_plain, _)) = view
                    .superclass_type(c)
                    .and_then(|s| memo.get(&mut p, view, s))
                {
                    if sup_plain {
                        p.classes[id as usize].sup = sid;
                    }
                    p.add_child(sid, id);
                }
                view.each_interface_type(c, |i| {
                    if let Some((iid, _, _)) = memo.get(&mut p, view, i) {
                        p.add_child(iid, id);
                    }
                });
            }
        }
        p.dexes = dexes;
        p.run_sub = p.sub_id(b"run()V");
        p.call_sub = p.sub_id(b"call()Ljava/lang/Object;");
        p.start_sub = p.sub_id(b"start()V");
        p.clinit_sub = p.sub_id(b"<clinit>()V");
        p
    }

    /// The id of a class descriptor as the file has it (added when new).
    fn class_id(&mut self, raw: &'a [u8]) -> u32 {
        let next = u32::try_from(self.classes.len()).unwrap_or(NONE);
        let id = *self.class_ids.entry(class_key(raw)).or_insert(next);
        if id == next {
            self.classes.push(NO_CLASS);
        }
        id
    }

    fn add_child(&mut self, parent: u32, child: u32) {
        let e = u32::try_from(self.edges.len()).unwrap_or(NONE);
        self.edges.push((child, NONE));
        let Some(p) = self.classes.get_mut(parent as usize) else {
            return;
        };
        if p.last_child == NONE {
            p.first_child = e;
        } else if let Some(last) = self.edges.get_mut(p.last_child as usize) {
            last.1 = e;
        }
        p.last_child = e;
    }

    /// The id of a decoded class descriptor, if the index knows it.
    pub fn class(&self, desc: &[u8]) -> Option<u32> {
        self.class_ids.get(desc).copied()
    }

    /// The id of a `name(params)ret` (added when new).
    pub fn sub_id(&mut self, sub: &[u8]) -> u32 {
        if let Some(&id) = self.subs.get(sub) {
            return id;
        }
        let id = u32::try_from(self.subs.len()).unwrap_or(NONE);
        self.subs.insert(sub.into(), id);
        self.sub_init.push(sub.starts_with(b"<init>"));
        // Its name part: through the first `(` (a name holding one is odd, see method_name).
        let name = sub.split(|&b| b == b'(').next().unwrap_or(sub);
        self.sub_name.push(name_print(name));
        id
    }

    /// One DEX file.
    pub fn view(&self, dex: u16) -> Option<&DexView<'a>> {
        self.dexes.get(usize::from(dex)).map(|(_, v)| v)
    }

    /// The archive name of one DEX file.
    pub fn dex_name(&self, dex: u16) -> &'a str {
        self.dexes.get(usize::from(dex)).map_or("", |(n, _)| *n)
    }

    /// Whether the app defines the class named `desc` (`Lcom/a/B;`).
    pub fn defines_named(&self, desc: &str) -> bool {
        self.class(desc.as_bytes()).is_some_and(|c| self.defines(c))
    }

    /// Whether the app defines class `id`.
    pub fn defines(&self, id: u32) -> bool {
        self.classes
            .get(id as usize)
            .is_some_and(|c| c.def.is_some())
    }

    /// Sizes the tables of DEX `dex` (zeroed, on first use only: an app whose search reaches
    /// nothing in a file pays nothing for it).
    fn ensure(&mut self, dex: u16) {
        let d = usize::from(dex);
        if self.tables.get(d).is_none_or(|t| t.ready) {
            return;
        }
        let Some((_, v)) = self.dexes.get(d) else {
            return;
        };
        let t = Tables {
            ready: true,
            keys: vec![0; v.method_count()],
            ids: vec![0; v.method_count()],
            types: vec![0; v.type_count()],
            lists: vec![0; v.class_count()],
            decl: vec![0; v.type_count()],
            decl_class: vec![0; v.type_count()],
            subs: Map::default(),
        };
        self.tables[d] = t;
    }

    /// Slot `i` of one of DEX `dex`'s tables (`pick`), the tables made on first use.
    fn table_slot(&mut self, dex: u16, pick: impl Fn(&Tables) -> &Vec<u32>, i: u32) -> Option<u32> {
        self.ensure(dex);
        self.tables
            .get(usize::from(dex))
            .and_then(|t| slot(pick(t), i))
    }

    /// The key of method_idx `m` of DEX `dex`: its signature read and interned once.
    pub fn key(&mut self, dex: u16, m: u32) -> u32 {
        if let Some(k) = self.table_slot(dex, |t| &t.keys, m) {
            return k;
        }
        let key = self.read_key(dex, m);
        let k = u32::try_from(self.keys.len()).unwrap_or(NONE);
        self.keys.push(key);
        self.resolved.push([None, None]);
        if let Some(t) = self.tables.get_mut(usize::from(dex)) {
            set_slot(&mut t.keys, m, k);
        }
        k
    }

    /// Reads what method_idx `m` names: its class's descriptor and its `name(params)ret` each
    /// read once per DEX file (a signature is built whole only for an odd class name).
    fn read_key(&mut self, dex: u16, m: u32) -> Key {
        let mut key = Key {
            dex,
            method: m,
            readable: false,
            class: NONE,
            sub: NONE,
            init: false,
        };
        let d = usize::from(dex);
        let Some((class, proto, name)) = self.view(dex).and_then(|v| v.method_parts(m)) else {
            return key;
        };
        let ci = usize::try_from(class).unwrap_or(usize::MAX);
        let mut decl = self.tables.get(d).and_then(|t| t.decl.get(ci)).copied();
        if decl == Some(0) {
            let desc = self.view(dex).and_then(|v| v.decoded_type(class));
            let (state, id) = match desc {
                None => (1, NONE),
                Some(desc) if !desc.ends_with(';') || desc.contains(";->") => (2, NONE),
                Some(desc) => (3, self.class(desc.as_bytes()).unwrap_or(NONE)),
            };
            self.tables[d].decl[ci] = state;
            self.tables[d].decl_class[ci] = id;
            decl = Some(state);
        }
        match decl {
            Some(1) => key,
            Some(3) => {
                let sub = match self.tables[d].subs.get(&(name, proto)) {
                    Some(&s) => s,
                    None => {
                        let mut buf = std::mem::take(&mut self.buf);
                        let ok = self
                            .view(dex)
                            .is_some_and(|v| v.sub_sig_into(name, proto, &mut buf));
                        let s = if ok {
                            self.sub_id(buf.as_bytes())
                        } else {
                            NONE
                        };
                        self.buf = buf;
                        self.tables[d].subs.insert((name, proto), s);
                        s
                    }
                };
                if sub != NONE {
                    key.readable = true;
                    key.class = self.tables[d].decl_class[ci];
                    key.sub = sub;
                    key.init = self.sub_init[sub as usize];
                }
                key
            }
            // An odd or out-of-range class: the whole signature, split as it falls.
            _ => {
                let mut sig = std::mem::take(&mut self.buf);
                key.readable = self
                    .view(dex)
                    .is_some_and(|v| v.method_sig_into(m, &mut sig));
                if let Some((desc, sub)) = split_sig(&sig).filter(|_| key.readable) {
                    key.class = self.class(desc.as_bytes()).unwrap_or(NONE);
                    key.sub = self.sub_id(sub.as_bytes());
                    key.init = sub.starts_with("<init>");
                }
                self.buf = sig;
                key
            }
        }
    }

    /// What key `k` names.
    pub fn key_of(&self, k: u32) -> Key {
        self.keys[k as usize]
    }

    /// The class id of type_idx `t` of DEX `dex` (None: not a class the index knows).
    pub fn type_class(&mut self, dex: u16, t: u32) -> Option<u32> {
        if let Some(c) = self.table_slot(dex, |tb| &tb.types, t) {
            return (c != NONE).then_some(c);
        }
        let c = self
            .view(dex)
            .and_then(|v| v.type_desc(t))
            .filter(|d| plain(d))
            .and_then(|d| self.class(d))
            .unwrap_or(NONE);
        if let Some(tb) = self.tables.get_mut(usize::from(dex)) {
            // NONE is stored as is: slot() reads it back as NONE.
            set_slot(&mut tb.types, t, c);
        }
        (c != NONE).then_some(c)
    }

    /// The dense id of a method with code.
    pub fn id(&mut self, m: MethodRef) -> u32 {
        self.ensure(m.dex);
        let d = usize::from(m.dex);
        let in_table = self
            .tables
            .get(d)
            .is_some_and(|t| usize::try_from(m.method).is_ok_and(|i| i < t.ids.len()));
        if in_table {
            match slot(&self.tables[d].ids, m.method) {
                None => {
                    let id = self.push_method(m);
                    set_slot(&mut self.tables[d].ids, m.method, id);
                    return id;
                }
                Some(id) if self.methods.get(id as usize) == Some(&m) => return id,
                Some(_) => {}
            }
        }
        if let Some(&id) = self.other_ids.get(&m) {
            return id;
        }
        let id = self.push_method(m);
        self.other_ids.insert(m, id);
        id
    }

    fn push_method(&mut self, m: MethodRef) -> u32 {
        let id = u32::try_from(self.methods.len()).unwrap_or(NONE);
        self.methods.push(m);
        self.facts.push(None);
        id
    }

    /// The method with code of id `id`.
    pub fn method_ref(&self, id: u32) -> MethodRef {
        self.methods[id as usize]
    }

    /// Number of method ids given out.
    pub fn method_ids(&self) -> usize {
        self.methods.len()
    }

    /// The facts of a method (decoded once), without guard bits.
    pub fn method(&mut self, id: u32) -> Rc<MethodCode> {
        if let Some(f) = &self.facts[id as usize] {
            return f.clone();
        }
        let m = self.methods[id as usize];
        let f = Rc::new(
            self.view(m.dex)
                .map(|v| v.read_method(m.method, m.code, 0))
                .unwrap_or_default(),
        );
        self.facts[id as usize] = Some(f.clone());
        f
    }

    /// The facts of a method with the guard bits of the conditions in `mask` (decoded again:
    /// only the few methods that branch on consent state).
    pub fn method_guarded(&self, m: MethodRef, mask: u32) -> MethodCode {
        self.view(m.dex)
            .map(|v| v.read_method(m.method, m.code, mask))
            .unwrap_or_default()
    }

    /// The signature of key `k`, `Lcls;->name(params)ret` (empty when unreadable).
    pub fn key_sig(&self, k: u32) -> String {
        let key = self.keys[k as usize];
        self.view(key.dex)
            .and_then(|v| v.method_sig(key.method))
            .unwrap_or_default()
    }

    /// The method's signature, `Lcls;->name(params)ret`.
    pub fn sig(&self, m: MethodRef) -> String {
        self.view(m.dex)
            .and_then(|v| v.method_sig(m.method))
            .unwrap_or_default()
    }

    /// Every class the app defines in package `prefix` (`Lcom/a/`, or `L`; not its
    /// subpackages), at most `max`, in definition order.
    pub fn classes_under(&mut self, prefix: &[u8], max: usize) -> Vec<(u16, u32)> {
        let (order, descs) = (&self.order, &self.descs);
        let packages = self.packages.get_or_insert_with(|| {
            let mut map: Packages<'a> = Map::default();
            for (&(d, c), &name) in order.iter().zip(descs) {
                if let Some(p) = package_of(name) {
                    map.entry(p).or_default().push((d, c));
                }
            }
            map
        });
        packages
            .get(prefix)
            .map(|v| v.iter().take(max).copied().collect())
            .unwrap_or_default()
    }

    /// The name print of method_idx `m` of DEX `dex` ([`BAD_NAME`], [`ODD_NAME`] or a print).
    fn method_name(&self, dex: u16, m: u32) -> u64 {
        let view = self.view(dex);
        let Some((_, _, name)) = view.and_then(|v| v.method_parts(m)) else {
            return BAD_NAME;
        };
        match view.and_then(|v| v.string_bytes(name)) {
            None => BAD_NAME,
            Some(n) if !n.is_ascii() || n.contains(&b'(') => ODD_NAME,
            Some(n) => name_print(n),
        }
    }

    /// The methods with code of class_def `class` of DEX `dex`, with their name prints (those
    /// whose name cannot be read left out: their signature cannot be either).
    pub fn class_methods(&mut self, dex: u16, class: u32) -> u32 {
        if let Some(l) = self.table_slot(dex, |t| &t.lists, class) {
            return l;
        }
        let raw = self
            .view(dex)
            .map(|v| v.methods(class as usize))
            .unwrap_or_default();
        let mut list = Vec::with_capacity(raw.len());
        for (method, code) in raw {
            let name = self.method_name(dex, method);
            if name != BAD_NAME {
                list.push((name, MethodRef { dex, method, code }));
            }
        }
        let l = u32::try_from(self.lists.len()).unwrap_or(NONE);
        self.lists.push(list.into_boxed_slice());
        if let Some(t) = self.tables.get_mut(usize::from(dex)) {
            set_slot(&mut t.lists, class, l);
        }
        l
    }

    /// A list made by [`Program::class_methods`].
    fn list(&self, l: u32) -> &[(u64, MethodRef)] {
        self.lists.get(l as usize).map_or(&[][..], |b| &b[..])
    }

    /// The method `sub` as defined by class `class` itself.
    pub fn defined(&mut self, class: u32, sub: u32) -> Option<MethodRef> {
        let (d, c) = self.classes.get(class as usize)?.def?;
        let l = self.class_methods(d, c);
        let name = self.sub_name.get(sub as usize).copied().unwrap_or(BAD_NAME);
        // The first method whose subsignature is `sub`: only those with the same name print (or
        // an odd name) can be; their keys are read to be sure.
        for i in 0..self.list(l).len() {
            let (n, m) = self.list(l)[i];
            if n != name && n != ODD_NAME {
                continue;
            }
            let k = self.key(m.dex, m.method);
            if self.keys[k as usize].sub == sub {
                return Some(m);
            }
        }
        None
    }

    /// `sub` looked up from `class` up its superclasses (the implementation a call on an
    /// instance of `class` runs).
    pub fn lookup(&mut self, class: u32, sub: u32) -> Option<MethodRef> {
        let mut cur = class;
        for _ in 0..64 {
            if let Some(m) = self.defined(cur, sub) {
                return Some(m);
            }
            let c = self.classes.get(cur as usize)?;
            c.def?;
            cur = c.sup;
            if cur == NONE {
                return None;
            }
        }
        None
    }

    /// [`Program::lookup`] by names (`Lcls;`, `name(params)ret`).
    pub fn lookup_named(&mut self, desc: &str, sub: &str) -> Option<MethodRef> {
        let class = self.class(desc.as_bytes())?;
        let sub = self.sub_id(sub.as_bytes());
        self.lookup(class, sub)
    }

    /// The methods a call of key `k` with `kind` may run: exact for static/direct/super, else
    /// the implementation inherited by the static type plus every override in its app subtypes.
    /// Each comes with the class an instance of which (or of a subtype) the call needs to run
    /// it: the static type for the inherited one, the overriding class for an override
    /// ([`NONE`] for an exact call). The search uses it to keep only the classes instantiated
    /// before consent (rapid type analysis).
    pub fn resolve(&mut self, k: u32, kind: InvokeKind) -> Targets {
        let virt = matches!(kind, InvokeKind::Virtual | InvokeKind::Interface);
        if let Some(r) = &self.resolved[k as usize][usize::from(virt)] {
            return r.clone();
        }
        let key = self.keys[k as usize];
        let found = self.resolve_key(key, virt);
        let r: Targets = if found.is_empty() {
            self.empty.clone()
        } else {
            found.into()
        };
        self.resolved[k as usize][usize::from(virt)] = Some(r.clone());
        r
    }

    fn resolve_key(&mut self, key: Key, virt: bool) -> Vec<(MethodRef, u32)> {
        if key.class == NONE || key.sub == NONE {
            return Vec::new();
        }
        let Some(&cls) = self.classes.get(key.class as usize) else {
            return Vec::new();
        };
        if cls.def.is_none() && cls.first_child == NONE {
            return Vec::new();
        }
        let gate = if virt { key.class } else { NONE };
        let mut out: Vec<(MethodRef, u32)> = self
            .lookup(key.class, key.sub)
            .into_iter()
            .map(|m| (m, gate))
            .collect();
        if virt {
            let mut queue = vec![key.class];
            let mut seen = 0usize;
            while let Some(c) = queue.pop() {
                let mut e = self.classes.get(c as usize).map_or(NONE, |c| c.first_child);
                while let Some(&(child, next)) = self.edges.get(e as usize) {
                    e = next;
                    seen += 1;
                    if seen > MAX_SUBCLASSES || out.len() >= MAX_TARGETS {
                        return out;
                    }
                    if let Some(m) = self.defined(child, key.sub) {
                        if !out.iter().any(|&(o, _)| o == m) {
                            out.push((m, child));
                        }
                    }
                    queue.push(child);
                }
            }
        }
        out
    }

    /// The direct supertypes of class `class` the index knows: its superclass and the
    /// interfaces it implements (none for a class the app does not define).
    pub fn supertypes(&self, class: u32, out: &mut Vec<u32>) {
        let Some((d, c)) = self.classes.get(class as usize).and_then(|c| c.def) else {
            return;
        };
        let Some(view) = self.view(d) else {
            return;
        };
        let c = c as usize;
        let mut add = |raw: &[u8]| {
            if let Some(&id) = self.class_ids.get(&class_key(raw)[..]) {
                out.push(id);
            }
        };
        if let Some(sup) = view.superclass(c) {
            add(sup);
        }
        view.each_interface(c, add);
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
