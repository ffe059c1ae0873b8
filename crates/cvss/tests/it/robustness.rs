//! No input makes the parser or the scorer panic: every truncation, deletion, replacement and
//! insertion of a character in a few rich vectors parses to a vector or an error; whatever parses
//! scores within [0, 10] and prints as a vector that parses back to itself.

const SEEDS: [&str; 5] = [
    "(AV:L/AC:M/Au:S/C:N/I:P/A:C/E:U/RL:OF/RC:UR/CDP:N/TD:L/CR:H/IR:H/AR:H)",
    "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:C/C:H/I:H/A:L/E:U/RL:U/RC:R/CR:M/MPR:L/MUI:R/MI:N/MA:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H",
    "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L/E:P/CR:M/IR:L/AR:H/MAV:A/MAC:H/MAT:N/MPR:L/MUI:P/MVC:H/MVI:N/MVA:L/MSC:H/MSI:S/MSA:S/S:P/AU:Y/R:U/V:C/RE:M/U:Amber",
    "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
];

const ALPHABET: [char; 14] = ['/', ':', '(', ')', ' ', 'X', 'N', 'H', 'S', '0', '.', 'é', '\u{0}', 'M'];

fn check(input: &str) -> bool {
    match cvss::parse(input) {
        Err(e) => {
            assert!(!e.to_string().is_empty());
            false
        }
        Ok(v) => {
            let s = v.scores();
            for score in [Some(s.base), s.temporal, s.environmental].into_iter().flatten() {
                assert!((0.0..=10.0).contains(&score), "{input}: {score}");
            }
            let printed = v.to_string();
            assert_eq!(cvss::parse(&printed).as_ref(), Ok(&v), "{input} printed as {printed}");
            true
        }
    }
}

#[test]
fn mutations_never_panic() {
    let mut tried = 0;
    let mut valid = 0;
    for seed in SEEDS {
        assert!(check(seed), "{seed} must parse");
        let chars: Vec<char> = seed.chars().collect();
        for cut in 0..=chars.len() {
            let head: String = chars[..cut].iter().collect();
            let tail: String = chars[cut..].iter().collect();
            let rest: String = chars.get(cut + 1..).unwrap_or_default().iter().collect();
            let mut inputs = vec![head.clone(), tail, format!("{head}{rest}")];
            for c in ALPHABET {
                inputs.push(format!("{head}{c}{rest}"));
                inputs.push(format!("{head}{c}{}", chars[cut..].iter().collect::<String>()));
            }
            for input in inputs {
                tried += 1;
                valid += usize::from(check(&input));
            }
        }
    }
    eprintln!("{tried} mutated inputs, {valid} valid");
    assert!(tried > 5_000 && valid > 0);
}

#[test]
fn odd_inputs_never_panic() {
    for input in
        ["/", "//", ":", "::", "(", ")", "()", "CVSS:", "CVSS:3.1", "CVSS:3.1/:", "CVSS:4.0//", "é", "AV:é", "(()"]
    {
        check(input);
    }
    let long = "AV:N/".repeat(10_000);
    assert!(!check(&long));
}
