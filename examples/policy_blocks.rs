//! Prints the blocks a policy is read into, one per line (a debugging aid for the policy reader).
//!
//! Usage: `cargo run --example policy_blocks -- POLICY`

use appaudit::policy::{load, Block, LoadOptions};

fn main() {
    for a in std::env::args().skip(1) {
        match load(std::path::Path::new(&a), &LoadOptions::default()) {
            Ok(doc) => {
                for b in doc.blocks() {
                    match b {
                        Block::Heading { level, text, line } => {
                            println!("{line}\tH{level}\t{text}")
                        }
                        Block::Paragraph { text, line } => println!("{line}\tP\t{text}"),
                        Block::ListItem { marker, text, line } => {
                            println!("{line}\tLI[{marker}]\t{text}")
                        }
                        Block::Table(t) => {
                            println!("{}\tTABLE {} {} rows", t.line, t.shape, t.rows.len());
                            for r in &t.rows {
                                let cells: Vec<&str> = r.iter().map(|c| c.text.as_str()).collect();
                                println!("\t| {}", cells.join(" | "));
                            }
                        }
                    }
                }
            }
            Err(e) => eprintln!("{e}"),
        }
    }
}
