//! SDK rows and collection rows from tables, the header row telling each column's role.

use super::key_value::{kv_key, kv_records};
use super::{classify, data_fields, known, name_and_packages, nonempty, roles, Col};
use crate::policy::blocks::{Block, Cell};
use crate::policy::gazetteer;
use crate::policy::text::{org_name, packages, urls};
use crate::policy::{CollectionRow, PolicyDoc, SdkDisclosure, SdkSource};

pub(super) fn tables(blocks: &[Block], in_sdk: &mut [bool], doc: &mut PolicyDoc) {
    for (bi, b) in blocks.iter().enumerate() {
        let Block::Table(t) = b else { continue };
        let grid = t.grid();
        // The header is the first row that names at least two known columns (a title row may come first).
        let Some((h, cols)) = grid
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, r)| (i, roles(r)))
            .find(|(_, r)| known(r) >= 2)
        else {
            // A two-column table of keys and values: read it as key-value lines.
            if grid.iter().all(|r| r.len() == 2)
                && grid.iter().filter(|r| kv_key(&r[0].text).is_some()).count() >= 2
            {
                let lines: Vec<(String, usize)> = grid
                    .iter()
                    .map(|r| {
                        (
                            format!("{}：{}", r[0].text.trim(), r[1].text),
                            r[0].line.max(t.line),
                        )
                    })
                    .collect();
                if kv_records(&lines, &[], doc).into_iter().any(|u| u) {
                    in_sdk[bi] = true;
                }
            }
            continue;
        };
        let cols = content_roles(&grid, h, cols);
        let col = |want: Col| cols.iter().position(|&c| c == want);
        let get = |row: &[Cell], want: Col| {
            col(want)
                .and_then(|i| row.get(i))
                .map(|c| c.text.clone())
                .unwrap_or_default()
        };
        let is_sdk_table = col(Col::Name).is_some()
            && (col(Col::Vendor).is_some()
                || col(Col::Data).is_some()
                || col(Col::Purpose).is_some()
                || col(Col::Package).is_some());
        let is_perm_table = col(Col::Permission).is_some() && col(Col::Name).is_none();
        let is_collection = !is_sdk_table && !is_perm_table && col(Col::Data).is_some();
        for row in grid.iter().skip(h + 1) {
            let line = row
                .iter()
                .map(|c| c.line)
                .find(|&l| l > 0)
                .unwrap_or(t.line);
            if is_sdk_table {
                in_sdk[bi] = true;
                let raw_name = get(row, Col::Name);
                // A name cell listing several libraries, one a line, is one row per library.
                let names = name_lines(&raw_name);
                if names.len() > 1 {
                    for n in names {
                        let (name, pk) = name_and_packages(n);
                        doc.sdks.push(SdkDisclosure {
                            name,
                            vendor: nonempty(&get(row, Col::Vendor)),
                            purpose: nonempty(&get(row, Col::Purpose)),
                            data: data_fields(&get(row, Col::Data)),
                            packages: pk,
                            link: urls(&get(row, Col::Link)).into_iter().next(),
                            line,
                            source: SdkSource::Table,
                            file: None,
                        });
                    }
                    continue;
                }
                let (name, mut pk) = name_and_packages(&raw_name);
                if name.is_empty()
                    || classify(&name) == Col::Name
                        && name.chars().count() <= 6
                        && cols.len() > 1
                        && name == get(&grid[h], Col::Name)
                {
                    continue;
                }
                for p in packages(&get(row, Col::Package)) {
                    if !pk.contains(&p) {
                        pk.push(p);
                    }
                }
                let vendor = nonempty(&get(row, Col::Vendor))
                    .or_else(|| row.iter().find_map(|c| org_name(&c.text)));
                let link = urls(&get(row, Col::Link))
                    .into_iter()
                    .next()
                    .or_else(|| row.iter().find_map(|c| urls(&c.text).into_iter().next()));
                doc.sdks.push(SdkDisclosure {
                    name,
                    vendor,
                    purpose: nonempty(&get(row, Col::Purpose)),
                    data: data_fields(&get(row, Col::Data)),
                    packages: pk,
                    link,
                    line,
                    source: SdkSource::Table,
                    file: None,
                });
            } else if is_collection {
                let data = data_fields(&get(row, Col::Data));
                if data.is_empty() && nonempty(&get(row, Col::Scenario)).is_none() {
                    continue;
                }
                doc.collection.push(CollectionRow {
                    scenario: nonempty(&get(row, Col::Scenario))
                        .or_else(|| nonempty(&get(row, Col::Name))),
                    purpose: nonempty(&get(row, Col::Purpose)),
                    method: nonempty(&get(row, Col::Method)),
                    data,
                    line,
                    file: None,
                });
            }
        }
    }
}

/// The lines of a name cell when it lists several names, one a line (`OKio` / `OkHttp`): every
/// line short, no sentence, no package or link of its own, no bracketed note.
fn name_lines(cell: &str) -> Vec<&str> {
    let lines: Vec<&str> = cell
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let name_like = |l: &str| {
        let n = l.chars().count();
        (2..=40).contains(&n)
            && !l.contains(['。', '，', ',', '；', ';', '：', ':', '、', '/'])
            && !l.starts_with(['(', '（', '-', '*'])
            && packages(l).is_empty()
            && urls(l).is_empty()
            && classify(l) != Col::Name
    };
    if lines.len() > 1 && lines.iter().all(|l| name_like(l)) {
        lines
    } else {
        Vec::new()
    }
}

/// Roles from what the cells hold, where the header did not tell: the column whose cells are
/// mostly names of known SDKs (or end in "SDK") is the name; the one whose cells are mostly
/// company names (legal-form endings) is the vendor.
fn content_roles(grid: &[Vec<Cell>], h: usize, mut cols: Vec<Col>) -> Vec<Col> {
    let body = &grid[(h + 1).min(grid.len())..];
    if body.is_empty() {
        return cols;
    }
    let share = |c: usize, test: &dyn Fn(&str) -> bool| {
        let hits = body
            .iter()
            .filter(|r| r.get(c).is_some_and(|cell| test(cell.text.trim())))
            .count();
        hits * 2 > body.len()
    };
    let is_sdk = |t: &str| {
        let (name, _) = name_and_packages(t);
        gazetteer::is_known_sdk(&name) || name.to_lowercase().ends_with("sdk")
    };
    let is_org = |t: &str| org_name(t).is_some_and(|o| o.chars().count() + 2 >= t.chars().count());
    for (want, test) in [
        (Col::Name, &is_sdk as &dyn Fn(&str) -> bool),
        (Col::Vendor, &is_org),
    ] {
        if cols.contains(&want) {
            continue;
        }
        let free = (0..cols.len()).find(|&c| {
            matches!(cols[c], Col::Other | Col::Scenario | Col::Method) && share(c, test)
        });
        if let Some(c) = free {
            cols[c] = want;
        }
    }
    cols
}
