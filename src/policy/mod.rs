//! The privacy policy, understood: the text (txt, Markdown, HTML; UTF-8, UTF-16, GBK/GB18030)
//! becomes blocks, and the blocks become disclosures: SDK rows, permissions and data types, each
//! with the line it came from.

mod blocks;
mod decode;
mod extract;
mod gazetteer;
mod html;
mod render;
mod spaced;
mod terms;
mod text;

pub use blocks::{Block, Cell, Table};
pub use render::{render_table, render_table_in};

use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// How to read a policy file.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Force an encoding (`utf-8`, `utf-16le`, `gbk`, ...) instead of detecting it.
    pub encoding: Option<String>,
    /// Larger input is refused with an error naming its size and this limit.
    pub max_bytes: u64,
}

/// The default size limit: far above any real policy.
pub const DEFAULT_MAX_BYTES: u64 = 32 * 1024 * 1024;

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            encoding: None,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// Where an SDK disclosure was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SdkSource {
    /// A row of a table (HTML, Markdown or flattened).
    Table,
    /// A block of `key：value` lines.
    KeyValue,
    /// A list item naming the SDK, e.g. `1、极光推送SDK（cn.jpush.android）：用于…`.
    ProseList,
    /// Running text that names an SDK but gives it no row.
    Prose,
    /// An item of an open-source component list: kept apart, never an SDK disclosure.
    OpenSource,
}

/// One SDK (or third party) the policy discloses.
#[derive(Debug, Clone, Serialize)]
pub struct SdkDisclosure {
    /// The SDK's name as written.
    pub name: String,
    /// The company behind it.
    pub vendor: Option<String>,
    /// Why it is used.
    pub purpose: Option<String>,
    /// The data fields it collects, as listed.
    pub data: Vec<String>,
    /// Java package names, when the policy gives them.
    pub packages: Vec<String>,
    /// Its privacy-policy or home page link.
    pub link: Option<String>,
    /// Line of the row.
    pub line: usize,
    /// Where it was found.
    pub source: SdkSource,
    /// The policy file, when several were merged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// An Android permission the policy discloses.
#[derive(Debug, Clone, Serialize)]
pub struct PermissionDisclosure {
    /// Full name, e.g. `android.permission.CAMERA`.
    pub permission: String,
    /// The words that disclosed it.
    pub text: String,
    /// Their line.
    pub line: usize,
    /// "permission-list" (an item of a permission list or table), "name" (the Android name
    /// written out) or "text" (running text).
    pub source: &'static str,
    /// "permission" when the policy says the app requests or uses it; "data" when only a data
    /// type that implies it is mentioned (kept so the audit raises no false alarm, but not a
    /// permission disclosure).
    pub via: &'static str,
    /// The policy file, when several were merged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// A data type the policy discloses.
#[derive(Debug, Clone, Serialize)]
pub struct DataTypeDisclosure {
    /// Data type id (`rules/data-types.toml`).
    pub data_type: String,
    /// The words that disclosed it.
    pub text: String,
    /// Their line.
    pub line: usize,
    /// The policy file, when several were merged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// One row of a personal-information collection table (业务场景 / 目的 / 方式 / 字段).
#[derive(Debug, Clone, Serialize)]
pub struct CollectionRow {
    /// The business function or scenario.
    pub scenario: Option<String>,
    /// Why the data is collected.
    pub purpose: Option<String>,
    /// How (user input, camera, SDK...).
    pub method: Option<String>,
    /// The fields collected.
    pub data: Vec<String>,
    /// Line of the row.
    pub line: usize,
    /// The policy file, when several were merged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// What a policy discloses, as understood (`policy --format json`, schema_version 1).
#[derive(Debug, Clone, Serialize)]
pub struct PolicyDoc {
    /// Always 1 for this shape.
    pub schema_version: u32,
    /// The file read (several joined with ", " when merged).
    pub path: String,
    /// "zh" or "en".
    pub language: &'static str,
    /// The encoding it was decoded from.
    pub encoding: String,
    /// "text", "markdown" or "html".
    pub format: String,
    /// Effective or last-updated date found in it, ISO `YYYY-MM-DD`.
    pub date: Option<String>,
    /// SDK and third-party disclosures.
    pub sdks: Vec<SdkDisclosure>,
    /// Android permissions disclosed.
    pub permissions: Vec<PermissionDisclosure>,
    /// Data types disclosed.
    pub data_types: Vec<DataTypeDisclosure>,
    /// Rows of personal-information collection tables.
    pub collection: Vec<CollectionRow>,
    /// The files merged into this one (one entry when not merged).
    pub files: Vec<String>,
    #[serde(skip)]
    blocks: Vec<Block>,
}

/// A policy's text normalized for look-ups ([`PolicyDoc::searchable`]).
pub struct Searchable {
    /// Each cell and block, normalized, with its line, in order.
    texts: Vec<(String, usize)>,
}

impl Searchable {
    /// The first line where `term` occurs, matching full-width as half-width and ignoring case.
    pub fn mentions(&self, term: &str) -> Option<usize> {
        let needle = text::normalize(text::squash_ws(term).as_str());
        if needle.is_empty() {
            return None;
        }
        self.texts
            .iter()
            .find(|(t, _)| t.contains(&needle))
            .map(|(_, line)| *line)
    }
}

impl PolicyDoc {
    /// The first line where `term` occurs, matching full-width as half-width and ignoring case.
    pub fn mentions(&self, term: &str) -> Option<usize> {
        self.searchable().mentions(term)
    }

    /// Every cell and block of the text normalized once, for many [`Searchable::mentions`]
    /// look-ups (an audit looks up every name of every SDK no row matched).
    pub fn searchable(&self) -> Searchable {
        let norm = |s: &str| text::normalize(&text::squash_ws(s));
        let mut texts = Vec::new();
        for b in &self.blocks {
            match b {
                Block::Table(t) => {
                    for row in &t.rows {
                        for c in row {
                            texts.push((norm(&c.text), c.line.max(t.line)));
                        }
                    }
                }
                other => texts.push((norm(other.text()), other.line())),
            }
        }
        Searchable { texts }
    }

    /// The blocks the policy was read into.
    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }
}

/// Read and understand a policy file; `-` reads standard input.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<PolicyDoc> {
    let io_err = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .take(opts.max_bytes.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(io_err)?;
        buf
    } else {
        let meta = std::fs::metadata(path).map_err(io_err)?;
        if meta.is_dir() {
            return Err(Error::Unsupported {
                path: path.to_path_buf(),
                message: "is a directory, not a policy file".into(),
            });
        }
        if meta.len() > opts.max_bytes {
            return Err(too_big(path, meta.len(), opts.max_bytes));
        }
        let file = std::fs::File::open(path).map_err(io_err)?;
        let mut buf = Vec::new();
        // The size may change between metadata and read: read one byte past the limit at most.
        file.take(opts.max_bytes.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(io_err)?;
        buf
    };
    let name = if path.as_os_str() == "-" {
        "-".to_string()
    } else {
        path.display().to_string()
    };
    parse_bytes(&name, &bytes, opts)
}

fn too_big(path: &Path, size: u64, limit: u64) -> Error {
    Error::Unsupported {
        path: path.to_path_buf(),
        message: format!("policy file is {size} bytes, over the limit of {limit} bytes; a privacy policy is far smaller"),
    }
}

/// Understand a policy already in memory; `name` is used for the format and in messages.
pub fn parse_bytes(name: &str, bytes: &[u8], opts: &LoadOptions) -> Result<PolicyDoc> {
    let path = PathBuf::from(name);
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if len > opts.max_bytes {
        return Err(if name == "-" {
            Error::Unsupported {
                path,
                message: format!(
                    "standard input is over the limit of {} bytes",
                    opts.max_bytes
                ),
            }
        } else {
            too_big(&path, len, opts.max_bytes)
        });
    }
    let decoded =
        decode::decode(bytes, opts.encoding.as_deref()).map_err(|message| Error::Unsupported {
            path: path.clone(),
            message,
        })?;
    let format = detect_format(name, &decoded.text);
    let blocks = match format {
        "html" => html::parse_html(&decoded.text),
        "markdown" => blocks::parse_text(&decoded.text, true),
        _ => blocks::parse_text(&decoded.text, false),
    };
    if blocks.is_empty() {
        return Err(Error::Unsupported {
            path,
            message: "no text found in the policy".into(),
        });
    }
    Ok(extract::understand(name, decoded.encoding, format, blocks))
}

/// "html", "markdown" or "text", by content first, then by extension.
fn detect_format(name: &str, text: &str) -> &'static str {
    let head: String = text
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let lower_name = name.to_ascii_lowercase();
    let tags = ["<p", "<div", "<table", "<br", "<h1", "<h2", "<li", "<span"]
        .iter()
        .map(|t| head.matches(t).count())
        .sum::<usize>();
    let md_name = lower_name.ends_with(".md") || lower_name.ends_with(".markdown");
    if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.contains("<body")
        || tags >= 3 && !md_name
    {
        return "html";
    }
    if lower_name.ends_with(".html")
        || lower_name.ends_with(".htm")
        || lower_name.ends_with(".xhtml")
    {
        return if head.contains('<') { "html" } else { "text" };
    }
    if lower_name.ends_with(".md") || lower_name.ends_with(".markdown") {
        return "markdown";
    }
    let md_signs = text.lines().take(400).filter(|l| {
        let t = l.trim_start();
        (t.starts_with("# ") || t.starts_with("## ") || t.starts_with("### "))
            || (t.starts_with('|') && t.contains("---"))
    });
    if md_signs.count() >= 2 {
        "markdown"
    } else {
        "text"
    }
}

/// Several policy files (main policy, SDK list, permission list) as one: paths joined, every row
/// kept with the file it came from; a permission or data type counts once, first file first.
pub fn merge(docs: Vec<PolicyDoc>) -> PolicyDoc {
    let many = docs.len() > 1;
    let mut out = PolicyDoc {
        schema_version: 1,
        path: String::new(),
        language: "en",
        encoding: String::new(),
        format: String::new(),
        date: None,
        sdks: Vec::new(),
        permissions: Vec::new(),
        data_types: Vec::new(),
        collection: Vec::new(),
        files: Vec::new(),
        blocks: Vec::new(),
    };
    let mut encodings: Vec<String> = Vec::new();
    let mut formats: Vec<String> = Vec::new();
    for doc in docs {
        let file = if many { Some(doc.path.clone()) } else { None };
        if doc.language == "zh" {
            out.language = "zh";
        }
        if !encodings.contains(&doc.encoding) {
            encodings.push(doc.encoding.clone());
        }
        if !formats.contains(&doc.format) {
            formats.push(doc.format.clone());
        }
        out.date = out.date.or(doc.date);
        out.files.extend(doc.files);
        out.sdks.extend(doc.sdks.into_iter().map(|mut s| {
            s.file = s.file.or_else(|| file.clone());
            s
        }));
        for mut p in doc.permissions {
            if !out.permissions.iter().any(|q| {
                q.permission == p.permission
                    && q.source == p.source
                    && q.line == p.line
                    && q.file == file
            }) {
                p.file = p.file.or_else(|| file.clone());
                out.permissions.push(p);
            }
        }
        for mut d in doc.data_types {
            if !out.data_types.iter().any(|q| q.data_type == d.data_type) {
                d.file = d.file.or_else(|| file.clone());
                out.data_types.push(d);
            }
        }
        out.collection
            .extend(doc.collection.into_iter().map(|mut c| {
                c.file = c.file.or_else(|| file.clone());
                c
            }));
        out.blocks.extend(doc.blocks);
    }
    out.path = out.files.join(", ");
    out.encoding = encodings.join(", ");
    out.format = formats.join(", ");
    out
}
