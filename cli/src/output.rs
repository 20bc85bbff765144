//! What a command prints: lines for people, one JSON value for scripts (`--json`).

use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub lines: Vec<String>,
    pub json: Value,
}

impl Report {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn line(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    /// The report as the command prints it.
    pub fn render(&self, json: bool) -> String {
        if json {
            format!(
                "{}\n",
                serde_json::to_string_pretty(&self.json).expect("JSON values serialize")
            )
        } else {
            self.lines.iter().map(|l| format!("{l}\n")).collect()
        }
    }
}

/// `amount` base units of a `decimals` token, in whole tokens with every decimal shown.
pub fn tokens(amount: u64, decimals: u8) -> String {
    let scale = 10u64.pow(u32::from(decimals));
    if decimals == 0 {
        return amount.to_string();
    }
    format!(
        "{}.{:0width$}",
        amount / scale,
        amount % scale,
        width = usize::from(decimals)
    )
}

/// Micro-USD as dollars and cents (rounded down).
pub fn usd(micros: u64) -> String {
    format!(
        "${}.{:02}",
        micros / 1_000_000,
        (micros % 1_000_000) / 10_000
    )
}

/// A decimal amount (`"12.5"`) in base units of a `decimals` token; refuses more decimals than
/// the token has, rather than rounding someone's money.
pub fn parse_amount(text: &str, decimals: u8, what: &str) -> Result<u64, crate::error::CliError> {
    let bad = |why: &str| {
        crate::error::CliError::new(
            format!("'{text}' is not a valid {what}: {why}"),
            format!(
                "give the {what} as a decimal number with at most {decimals} decimals, e.g. 12.5"
            ),
        )
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole
            .chars()
            .chain(fraction.chars())
            .all(|c| c.is_ascii_digit())
    {
        return Err(bad("not a number"));
    }
    if fraction.len() > usize::from(decimals) {
        return Err(bad("too many decimals"));
    }
    let scale = 10u64.pow(u32::from(decimals));
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad("too large"))?
    };
    let fraction: u64 = format!("{fraction:0<width$}", width = usize::from(decimals))
        .parse()
        .unwrap_or(0);
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(|| bad("too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_exactly_and_print_back() {
        assert_eq!(
            parse_amount("12.5", 9, "IFX amount").unwrap(),
            12_500_000_000
        );
        assert_eq!(parse_amount("0.000000001", 9, "IFX amount").unwrap(), 1);
        assert_eq!(parse_amount("3", 6, "price").unwrap(), 3_000_000);
        assert!(parse_amount("0.0000000001", 9, "IFX amount")
            .unwrap_err()
            .message
            .contains("too many decimals"));
        assert!(parse_amount("-1", 9, "IFX amount").is_err());
        assert!(parse_amount("1e9", 9, "IFX amount").is_err());
        assert!(parse_amount(".", 9, "IFX amount").is_err());
        assert!(parse_amount("99999999999999999999", 9, "IFX amount")
            .unwrap_err()
            .message
            .contains("too large"));
        assert_eq!(tokens(12_500_000_000, 9), "12.500000000");
        assert_eq!(usd(172_800_000), "$172.80");
    }
}
