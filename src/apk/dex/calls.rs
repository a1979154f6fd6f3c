//! The facts the consent analysis (src/consent) needs from one DEX file, read while the file
//! is in memory: for every method with code, the calls it makes (with the branches that guard
//! each call), the boolean fields it writes and reads, and the classes it touches (whose static
//! initialisers run). Compact: method, field and type names are interned per file, and framework
//! calls are kept only when they matter (sensitive APIs, hand-offs, consent state).
//!
//! A call is *guarded* by a branch when every path from the method's entry to it takes one
//! particular arm of that branch (the other arm's edge removed, the call is no longer
//! reachable). Only branches whose condition comes straight from a call returning a boolean or an
//! int, or from a boolean/int field read, are candidates; the consent analysis decides which of
//! those conditions are consent state. Exception edges are not followed: code reachable only
//! through a handler counts as unguarded (the conservative side).

use super::header::Dex;
use super::{code_insns, method_signature, uleb, WIDTH};
use crate::cursor::to_usize;
use crate::rules::apis::ApiCatalog;
use std::collections::HashMap;

/// Most guard conditions tracked per method (one bit each in [`CallSite::guards`]).
pub const MAX_CONDS: usize = 32;
/// Methods longer than this (code units) get no guard analysis: their calls count as unguarded.
const MAX_GUARD_UNITS: usize = 1 << 16;

/// How a method is invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvokeKind {
    /// invoke-virtual: resolved over the class hierarchy.
    Virtual,
    /// invoke-super: the superclass's implementation.
    Super,
    /// invoke-direct: constructors and private methods, exact.
    Direct,
    /// invoke-static, exact.
    Static,
    /// invoke-interface: every implementation in the app.
    Interface,
}

/// One invoke in a method.
#[derive(Debug, Clone, Copy)]
pub struct CallSite {
    /// The invoked method (index into [`DexCode::sigs`]).
    pub callee: u32,
    /// The invoke opcode's kind.
    pub kind: InvokeKind,
    /// Bit k set: the call is guarded by the method's condition k ([`MethodCode::conds`]).
    pub guards: u32,
}

/// Where a branch's condition comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cond {
    /// The result of a call (index into [`DexCode::sigs`]).
    Call(u32),
    /// A field read (index into [`DexCode::fields`]).
    Field(u32),
}

/// What one method's code does, as far as the consent analysis cares.
#[derive(Debug, Clone, Default)]
pub struct MethodCode {
    /// Its own signature (index into [`DexCode::sigs`]).
    pub sig: u32,
    /// Its invokes, in bytecode order, duplicates removed.
    pub calls: Vec<CallSite>,
    /// Branch conditions that guard some call (at most [`MAX_CONDS`]).
    pub conds: Vec<Cond>,
    /// Boolean and int fields it writes (sput/iput; indexes into [`DexCode::fields`]).
    pub writes: Vec<u32>,
    /// Boolean and int fields it reads (indexes into [`DexCode::fields`]).
    pub reads: Vec<u32>,
    /// Classes whose static fields it reads or writes (indexes into [`DexCode::types`]).
    pub touches: Vec<u32>,
    /// Classes it instantiates (indexes into [`DexCode::types`]): hand-off targets.
    pub news: Vec<u32>,
    /// False when its instructions could not all be read (the rest was skipped).
    pub complete: bool,
}

/// One class defined in the file.
#[derive(Debug, Clone, Default)]
pub struct ClassCode {
    /// Its descriptor (index into [`DexCode::types`]).
    pub name: u32,
    /// Its superclass, if any.
    pub superclass: Option<u32>,
    /// The interfaces it implements.
    pub interfaces: Vec<u32>,
    /// Its methods that have code.
    pub methods: Vec<MethodCode>,
}

/// The call facts of one DEX file.
#[derive(Debug, Clone, Default)]
pub struct DexCode {
    /// Method signatures, `Lcls;->name(params)ret`.
    pub sigs: Vec<String>,
    /// Field signatures, `Lcls;->name:type`.
    pub fields: Vec<String>,
    /// Type descriptors, `Lcls;`.
    pub types: Vec<String>,
    /// The classes defined here, in file order.
    pub classes: Vec<ClassCode>,
}

/// Framework classes whose calls are kept besides the catalogue's: hand-offs, consent state,
/// reflection.
const FRAMEWORK_KEPT: &[&[u8]] = &[
    b"Landroid/os/Handler;",
    b"Landroid/view/View;",
    b"Landroid/app/Activity;",
    b"Landroid/os/AsyncTask;",
    b"Ljava/lang/Thread;",
    b"Ljava/util/concurrent/Executor;",
    b"Ljava/util/concurrent/ExecutorService;",
    b"Ljava/util/concurrent/ThreadPoolExecutor;",
    b"Ljava/util/concurrent/ScheduledExecutorService;",
    b"Landroid/content/SharedPreferences;",
    b"Landroid/content/SharedPreferences$Editor;",
    b"Ljava/lang/Class;",
    b"Ljava/lang/reflect/Method;",
    b"Ldalvik/system/DexClassLoader;",
];

/// Whether a class descriptor is the platform's (its calls are not followed).
pub fn is_framework(desc: &[u8]) -> bool {
    [
        &b"Landroid/"[..],
        b"Ljava/",
        b"Ljavax/",
        b"Lkotlin/",
        b"Lkotlinx/",
        b"Ldalvik/",
        b"Lorg/json/",
        b"Lorg/w3c/",
        b"Lorg/xml/",
        b"Lsun/",
        b"[",
    ]
    .iter()
    .any(|p| desc.starts_with(p))
}

/// Interns per-file ids into [`DexCode`]'s tables.
struct Tables<'d, 'a> {
    dex: &'d Dex<'a>,
    out: DexCode,
    methods: HashMap<u32, Option<u32>>,
    fields: HashMap<u32, Option<u32>>,
    types: HashMap<u32, Option<u32>>,
    catalog: &'d ApiCatalog,
    /// Code items already read: a hostile file can point many methods at one, and reading it
    /// once keeps the work linear in the file size.
    seen_code: std::collections::HashSet<u32>,
}

impl Tables<'_, '_> {
    /// The interned signature of method id `m`, or None when the call is not worth keeping
    /// (a framework method that is neither sensitive nor a hand-off) or cannot be read.
    fn method(&mut self, m: u32, keep_all: bool) -> Option<u32> {
        if let Some(&v) = self.methods.get(&m) {
            if v.is_some() || !keep_all {
                return v;
            }
        }
        let dex = self.dex;
        let id = dex.method(m).ok()?;
        let desc = dex.type_bytes(u32::from(id.class_idx)).ok()?;
        let keep = keep_all
            || !is_framework(desc)
            || FRAMEWORK_KEPT.contains(&desc)
            || self.catalog.class_methods(desc).is_some();
        if !keep {
            self.methods.insert(m, None);
            return None;
        }
        let s = method_signature(dex, m).ok()?;
        self.out.sigs.push(s);
        let v = u32::try_from(self.out.sigs.len() - 1).ok();
        self.methods.insert(m, v);
        v
    }

    /// The interned field `f` when it is a boolean or int field of the app's own code.
    fn field(&mut self, f: u32) -> Option<u32> {
        if let Some(v) = self.fields.get(&f) {
            return *v;
        }
        let dex = self.dex;
        let v = dex.field(f).ok().and_then(|id| {
            let ty = dex.type_bytes(u32::from(id.type_idx)).ok()?;
            let class = dex.type_bytes(u32::from(id.class_idx)).ok()?;
            if !(ty == b"Z" || ty == b"I") || is_framework(class) {
                return None;
            }
            let s = super::field_signature(dex, f).ok()?;
            self.out.fields.push(s);
            Some(u32::try_from(self.out.fields.len() - 1).unwrap_or(u32::MAX))
        });
        self.fields.insert(f, v);
        v
    }

    /// The interned type `t` (any class; None for arrays, primitives, unreadable ids).
    fn ty(&mut self, t: u32) -> Option<u32> {
        if let Some(v) = self.types.get(&t) {
            return *v;
        }
        let dex = self.dex;
        let v = dex
            .type_bytes(t)
            .ok()
            .filter(|d| d.first() == Some(&b'L'))
            .and_then(|_| dex.string(dex.type_string_idx(t).ok()?).ok())
            .map(|s| {
                self.out.types.push(s.into_owned());
                u32::try_from(self.out.types.len() - 1).unwrap_or(u32::MAX)
            });
        self.types.insert(t, v);
        v
    }

    /// The field's class, interned, when it is the app's own.
    fn field_class(&mut self, f: u32) -> Option<u32> {
        let id = self.dex.field(f).ok()?;
        let desc = self.dex.type_bytes(u32::from(id.class_idx)).ok()?;
        if is_framework(desc) {
            return None;
        }
        self.ty(u32::from(id.class_idx))
    }

    /// Whether method id `m` returns a boolean or an int.
    fn returns_flag(&self, m: u32) -> bool {
        let dex = self.dex;
        dex.method(m)
            .ok()
            .and_then(|id| dex.proto(id.proto_idx).ok())
            .and_then(|(ret, _)| dex.type_bytes(ret).ok())
            .is_some_and(|r| r == b"Z" || r == b"I")
    }
}

/// Reads the call facts of every class of `dex`. Problems never stop it: a class whose
/// class_data cannot be read has no methods here, a method whose code cannot be walked is
/// marked incomplete.
pub(super) fn extract(dex: &Dex<'_>, catalog: &ApiCatalog) -> DexCode {
    let mut t = Tables {
        dex,
        out: DexCode::default(),
        methods: HashMap::new(),
        fields: HashMap::new(),
        types: HashMap::new(),
        catalog,
        seen_code: std::collections::HashSet::new(),
    };
    for i in 0..dex.class_defs.count {
        let Ok(def) = dex.class_def(i) else { break };
        let Some(name) = t.ty(def.class_idx) else {
            continue;
        };
        let base = dex.class_defs.off + 32 * i;
        let superclass = read_u32(dex.data, base + 8)
            .filter(|&s| s != u32::MAX)
            .and_then(|s| t.ty(s));
        let interfaces = read_u32(dex.data, base + 12)
            .filter(|&o| o != 0)
            .map(|o| type_list(dex.data, to_usize(o)))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|ti| t.ty(ti))
            .collect();
        let mut class = ClassCode {
            name,
            superclass,
            interfaces,
            methods: Vec::new(),
        };
        if def.class_data_off != 0 {
            read_class_methods(&mut t, def.class_data_off, &mut class.methods);
        }
        t.out.classes.push(class);
    }
    t.out
}

fn read_u32(data: &[u8], off: usize) -> Option<u32> {
    let b = data.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn read_u16(data: &[u8], off: usize) -> Option<u16> {
    let b = data.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

/// The type ids of a type_list (empty when it runs past the file).
fn type_list(data: &[u8], off: usize) -> Vec<u32> {
    let Some(n) = read_u32(data, off).map(to_usize) else {
        return Vec::new();
    };
    if n.saturating_mul(2) > data.len().saturating_sub(off + 4) {
        return Vec::new();
    }
    (0..n)
        .filter_map(|k| read_u16(data, off + 4 + 2 * k).map(u32::from))
        .collect()
}

/// Adds the methods with code of the class_data_item at `off` (stops quietly where it breaks).
fn read_class_methods(t: &mut Tables<'_, '_>, off: u32, out: &mut Vec<MethodCode>) {
    let data = t.dex.data;
    let mut pos = to_usize(off);
    let next = |pos: &mut usize| uleb(data, pos);
    let (Some(sf), Some(inf), Some(direct), Some(virt)) = (
        next(&mut pos),
        next(&mut pos),
        next(&mut pos),
        next(&mut pos),
    ) else {
        return;
    };
    let fields = u64::from(sf) + u64::from(inf);
    let methods = u64::from(direct) + u64::from(virt);
    if fields * 2 + methods * 3 > data.len().saturating_sub(pos) as u64 {
        return;
    }
    for _ in 0..fields {
        if next(&mut pos).and(next(&mut pos)).is_none() {
            return;
        }
    }
    for count in [direct, virt] {
        let mut idx: u32 = 0;
        for n in 0..count {
            let (Some(diff), Some(_flags), Some(code_off)) =
                (next(&mut pos), next(&mut pos), next(&mut pos))
            else {
                return;
            };
            idx = if n == 0 {
                diff
            } else {
                match idx.checked_add(diff) {
                    Some(v) => v,
                    None => return,
                }
            };
            if code_off == 0 {
                continue;
            }
            let Some(sig) = t.method(idx, true) else {
                continue;
            };
            if !t.seen_code.insert(code_off) {
                // Shared with another method (never in a compiler's output): not read again,
                // and marked incomplete so a path through it is undecided.
                out.push(MethodCode {
                    sig,
                    complete: false,
                    ..MethodCode::default()
                });
                continue;
            }
            let Ok(insns) = code_insns(data, code_off) else {
                continue;
            };
            out.push(read_method(t, sig, insns));
        }
    }
}

/// One decoded instruction: where it starts and its opcode.
struct Insn {
    pc: usize,
    op: u8,
    width: usize,
}

/// Decodes the instruction starts of a method; the bool is false when a bad opcode or an
/// overrun stopped the decoding.
fn decode(insns: &[u8]) -> (Vec<Insn>, bool) {
    let n = insns.len() / 2;
    let unit = |i: usize| read_u16(insns, i * 2);
    let mut out = Vec::new();
    let mut pc = 0usize;
    while let Some(u) = unit(pc) {
        let op = (u & 0xff) as u8;
        let width = if op == 0 && u != 0 {
            let get = |i: usize| unit(pc + i).map_or(0usize, usize::from);
            match u {
                0x0100 => 4 + 2 * get(1),
                0x0200 => 2 + 4 * get(1),
                0x0300 => 4 + (get(1).saturating_mul(get(2) | (get(3) << 16))).div_ceil(2),
                _ => return (out, false),
            }
        } else {
            match WIDTH[usize::from(op)] {
                0 => return (out, false),
                w => usize::from(w),
            }
        };
        if pc.saturating_add(width) > n {
            return (out, false);
        }
        if !(op == 0 && u != 0) {
            out.push(Insn { pc, op, width });
        }
        pc += width;
    }
    (out, true)
}

fn is_invoke(op: u8) -> bool {
    matches!(op, 0x6e..=0x72 | 0x74..=0x78)
}

fn invoke_kind(op: u8) -> InvokeKind {
    match op {
        0x6e | 0x74 => InvokeKind::Virtual,
        0x6f | 0x75 => InvokeKind::Super,
        0x70 | 0x76 => InvokeKind::Direct,
        0x71 | 0x77 => InvokeKind::Static,
        _ => InvokeKind::Interface,
    }
}

fn read_method(t: &mut Tables<'_, '_>, sig: u32, insns: &[u8]) -> MethodCode {
    let (code, complete) = decode(insns);
    let unit = |i: usize| read_u16(insns, i * 2).map_or(0u32, u32::from);
    let mut m = MethodCode {
        sig,
        complete,
        ..MethodCode::default()
    };
    // Per instruction index, the call kept there.
    let mut call_at: Vec<(usize, CallSite)> = Vec::new();
    // Candidate conditions: (instruction index of the if, condition).
    let mut cond_at: Vec<(usize, Cond)> = Vec::new();
    for (k, ins) in code.iter().enumerate() {
        let u0 = unit(ins.pc);
        let a8 = u0 >> 8;
        match ins.op {
            op if is_invoke(op) => {
                let kind = invoke_kind(op);
                if let Some(callee) = t.method(unit(ins.pc + 1), false) {
                    call_at.push((
                        k,
                        CallSite {
                            callee,
                            kind,
                            guards: 0,
                        },
                    ));
                }
            }
            0x22 => {
                if let Some(ty) = t.ty(unit(ins.pc + 1)) {
                    if !m.news.contains(&ty) && m.news.len() < 256 {
                        m.news.push(ty);
                    }
                }
            }
            0x52 | 0x55 | 0x60 | 0x63 => {
                if let Some(f) = t.field(unit(ins.pc + 1)) {
                    if !m.reads.contains(&f) && m.reads.len() < 256 {
                        m.reads.push(f);
                    }
                }
            }
            0x59 | 0x5c | 0x67 | 0x6a => {
                if let Some(f) = t.field(unit(ins.pc + 1)) {
                    if !m.writes.contains(&f) && m.writes.len() < 256 {
                        m.writes.push(f);
                    }
                }
            }
            0x32..=0x3d if cond_at.len() < MAX_CONDS => {
                let reg = if ins.op >= 0x38 { a8 } else { a8 & 0xf };
                if let Some(c) = condition_source(t, &code, k, reg, &unit) {
                    cond_at.push((k, c));
                }
            }
            _ => {}
        }
        if matches!(ins.op, 0x60..=0x6d) {
            if let Some(c) = t.field_class(unit(ins.pc + 1)) {
                if !m.touches.contains(&c) && m.touches.len() < 256 {
                    m.touches.push(c);
                }
            }
        }
    }
    if !cond_at.is_empty() {
        // A guard that cannot be computed leaves the calls unguarded: undecided, not clean.
        let done =
            insns.len() / 2 <= MAX_GUARD_UNITS && guard_calls(&code, &unit, &cond_at, &mut call_at);
        m.complete &= done;
    }
    m.conds = cond_at.into_iter().map(|(_, c)| c).collect();
    for (_, c) in call_at {
        if let Some(prev) = m
            .calls
            .iter_mut()
            .find(|p| p.callee == c.callee && p.kind == c.kind)
        {
            // The same call made twice is guarded only by what guards both.
            prev.guards &= c.guards;
        } else {
            m.calls.push(c);
        }
    }
    m
}

/// The source of the value register `reg` holds at the if at instruction `k`: the instruction
/// just before (a field read into `reg`, or a move-result of a call returning a flag).
fn condition_source(
    t: &mut Tables<'_, '_>,
    code: &[Insn],
    k: usize,
    reg: u32,
    unit: &impl Fn(usize) -> u32,
) -> Option<Cond> {
    let prev = code.get(k.checked_sub(1)?)?;
    let u0 = unit(prev.pc);
    match prev.op {
        0x0a if u0 >> 8 == reg => {
            let call = code.get(k.checked_sub(2)?)?;
            if !is_invoke(call.op) {
                return None;
            }
            let m = unit(call.pc + 1);
            if !t.returns_flag(m) {
                return None;
            }
            t.method(m, false).map(Cond::Call)
        }
        0x60 | 0x63 if u0 >> 8 == reg => t.field(unit(prev.pc + 1)).map(Cond::Field),
        0x52 | 0x55 if (u0 >> 8) & 0xf == reg => t.field(unit(prev.pc + 1)).map(Cond::Field),
        _ => None,
    }
}

/// Most branch edges per method (switches included) before the guard analysis gives up.
const MAX_EDGES: usize = 1 << 18;

/// The instruction indexes each instruction can go to next (exception edges aside); None when
/// the method has more than [`MAX_EDGES`] (a hostile file pointing many switches at one payload).
fn successors(code: &[Insn], unit: &impl Fn(usize) -> u32) -> Option<Vec<Vec<usize>>> {
    let mut edges = 0usize;
    let index_of = |pc: i64| -> Option<usize> {
        let pc = usize::try_from(pc).ok()?;
        code.binary_search_by_key(&pc, |i| i.pc).ok()
    };
    let s32 = |at: usize| (unit(at) | (unit(at + 1) << 16)) as i32 as i64;
    code.iter()
        .enumerate()
        .map(|(k, ins)| {
            let pc = ins.pc as i64;
            let mut out = Vec::new();
            let falls = !matches!(ins.op, 0x0e..=0x11 | 0x27 | 0x28..=0x2a);
            if falls && k + 1 < code.len() {
                out.push(k + 1);
            }
            let target = match ins.op {
                0x28 => Some(pc + i64::from((unit(ins.pc) >> 8) as u8 as i8)),
                0x29 | 0x32..=0x3d => Some(pc + i64::from(unit(ins.pc + 1) as u16 as i16)),
                0x2a => Some(pc + s32(ins.pc + 1)),
                _ => None,
            };
            if let Some(t) = target.and_then(index_of) {
                out.push(t);
            }
            if matches!(ins.op, 0x2b | 0x2c) {
                let payload = pc + s32(ins.pc + 1);
                if let Ok(p) = usize::try_from(payload) {
                    let size = unit(p + 1) as usize;
                    let first = if ins.op == 0x2b {
                        p + 4
                    } else {
                        p + 2 + 2 * size
                    };
                    for j in 0..size.min(4096) {
                        if let Some(t) = index_of(pc + s32(first + 2 * j)) {
                            out.push(t);
                        }
                    }
                }
            }
            let _ = ins.width;
            edges += out.len();
            (edges <= MAX_EDGES).then_some(out)
        })
        .collect()
}

/// Instructions reachable from the entry, the edge `cut` (from, to) removed.
fn reachable(succ: &[Vec<usize>], cut: Option<(usize, usize)>) -> Vec<bool> {
    let mut seen = vec![false; succ.len()];
    let mut stack = Vec::new();
    if !succ.is_empty() {
        seen[0] = true;
        stack.push(0usize);
    }
    while let Some(k) = stack.pop() {
        for &s in &succ[k] {
            if cut == Some((k, s)) || seen[s] {
                continue;
            }
            seen[s] = true;
            stack.push(s);
        }
    }
    seen
}

/// Sets the guard bits of the calls: condition j guards a call when cutting one arm of its
/// branch makes the call unreachable. False when the method is too branchy to analyse.
fn guard_calls(
    code: &[Insn],
    unit: &impl Fn(usize) -> u32,
    conds: &[(usize, Cond)],
    calls: &mut [(usize, CallSite)],
) -> bool {
    let Some(succ) = successors(code, unit) else {
        return false;
    };
    let full = reachable(&succ, None);
    for (j, &(k, _)) in conds.iter().enumerate() {
        let arms = &succ[k];
        if arms.len() != 2 || arms[0] == arms[1] {
            continue;
        }
        for &arm in arms {
            let cut = reachable(&succ, Some((k, arm)));
            for (at, c) in calls.iter_mut() {
                if full[*at] && !cut[*at] {
                    c.guards |= 1 << j;
                }
            }
        }
    }
    true
}
