//! Pages whose every formatting run was saved on a line of its own (`SDK` / `名称：` / `个推`, a
//! closing bracket starting a line): the runs of one paragraph are joined back into one line
//! before the text is read. The joined paragraph stays on the line of its first run and the
//! lines of the other runs are left blank, so every block keeps its line number.

/// Lines of at most this many characters are fragments.
const SHORT: usize = 3;
/// Non-blank lines a document needs before it is judged.
const MIN_LINES: usize = 50;
/// Blank lines at most between two runs of one paragraph.
const MAX_JOIN_GAP: usize = 5;
/// Runs joined into one line, at most.
const MAX_RUNS: usize = 200;

/// Characters that cannot start a line of its own in Chinese text: the line goes on the one before.
fn continues(first: char) -> bool {
    "）)、，,。；;：:/".contains(first)
}

/// Whether the text is fragmented: many very short lines and many lines that start with closing
/// punctuation (a real line never does).
fn fragmented(lines: &[&str]) -> bool {
    let full: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if full.len() < MIN_LINES {
        return false;
    }
    let short = full.iter().filter(|l| l.chars().count() <= SHORT).count();
    let cont = full
        .iter()
        .filter(|l| l.chars().next().is_some_and(continues))
        .count();
    short * 4 >= full.len() && cont * 12 >= full.len()
}

/// The text with each paragraph's runs joined, when it is fragmented; line count unchanged.
pub(super) fn defragment(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    if !fragmented(&lines) {
        return None;
    }
    let mut out: Vec<String> = vec![String::new(); lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if t.is_empty() {
            i += 1;
            continue;
        }
        let first = i;
        let mut joined = t.to_string();
        let mut runs = 1;
        let mut j = i + 1;
        loop {
            let mut k = j;
            while k < lines.len() && lines[k].trim().is_empty() {
                k += 1;
            }
            if k >= lines.len() || k - j > MAX_JOIN_GAP || runs >= MAX_RUNS {
                break;
            }
            let next = lines[k].trim();
            let ascii_edge = joined
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && next
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
            if ascii_edge {
                joined.push(' ');
            }
            joined.push_str(next);
            runs += 1;
            j = k + 1;
        }
        out[first] = joined;
        i = j;
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_joined_on_the_first_line() {
        let mut text = String::new();
        for n in 0..30 {
            text.push_str(&format!(
                "（\n{n}\n）第{n}项说明\n\nSDK\n名称：\n个推\n\n\n\n\n\n\n\n"
            ));
        }
        let out = defragment(&text).expect("fragmented");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), text.lines().count());
        assert_eq!(lines[0], "（0）第0项说明SDK名称：个推");
        assert!(lines[1].is_empty());
        // Ordinary text is left alone.
        let plain = "第一段说明。\n\n第二段说明。\n".repeat(40);
        assert!(defragment(&plain).is_none());
    }
}
