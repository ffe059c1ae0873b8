//! Properties over whole vector spaces: every v3.1 base vector (2,592) and every v4.0 base vector
//! (104,976) scores within [0, 10] and prints as a vector that parses back to itself; in v3.1,
//! raising any base metric except Scope one step towards more severe never lowers the base score.

/// Values of each v3.1 base metric from least to most severe.
const V31: [(&str, &[&str]); 8] = [
    ("AV", &["P", "L", "A", "N"]),
    ("AC", &["H", "L"]),
    ("PR", &["H", "L", "N"]),
    ("UI", &["R", "N"]),
    ("S", &["U", "C"]),
    ("C", &["N", "L", "H"]),
    ("I", &["N", "L", "H"]),
    ("A", &["N", "L", "H"]),
];

/// All combinations of value indices for metrics with the given numbers of values.
fn combinations(sizes: &[usize]) -> Vec<Vec<usize>> {
    let mut all = vec![Vec::new()];
    for size in sizes {
        all = all.into_iter().flat_map(|prefix| (0..*size).map(move |i| [prefix.clone(), vec![i]].concat())).collect();
    }
    all
}

fn v31_vector(levels: &[usize]) -> String {
    let fields: Vec<String> =
        V31.iter().zip(levels).map(|((key, values), i)| format!("{key}:{}", values[*i])).collect();
    format!("CVSS:3.1/{}", fields.join("/"))
}

fn in_range(score: f64) -> bool {
    (0.0..=10.0).contains(&score) && (score * 10.0).fract() == 0.0
}

#[test]
fn v31_base_scores_are_bounded_and_monotone() {
    let sizes: Vec<usize> = V31.iter().map(|(_, values)| values.len()).collect();
    let all = combinations(&sizes);
    assert_eq!(all.len(), 2592);
    let mut checked_steps = 0;
    for levels in &all {
        let text = v31_vector(levels);
        let v = cvss::parse(&text).unwrap();
        assert_eq!(v.to_string(), text);
        let s = v.scores();
        for score in [Some(s.base), s.temporal, s.environmental].into_iter().flatten() {
            assert!(in_range(score), "{text}: {score}");
        }
        for (metric, (key, values)) in V31.iter().enumerate() {
            if *key == "S" || levels[metric] + 1 == values.len() {
                continue;
            }
            let mut raised = levels.clone();
            raised[metric] += 1;
            let raised_text = v31_vector(&raised);
            let raised_score = cvss::parse(&raised_text).unwrap().scores().base;
            assert!(raised_score >= s.base, "{text} ({}) → {raised_text} ({raised_score})", s.base);
            checked_steps += 1;
        }
    }
    // Σ over the seven metrics of 2,592 × (values − 1) / values.
    assert_eq!(checked_steps, 11_448);
}

#[test]
fn v4_base_scores_are_bounded_and_round_trip() {
    const V4: [(&str, &[&str]); 11] = [
        ("AV", &["N", "A", "L", "P"]),
        ("AC", &["L", "H"]),
        ("AT", &["N", "P"]),
        ("PR", &["N", "L", "H"]),
        ("UI", &["N", "P", "A"]),
        ("VC", &["H", "L", "N"]),
        ("VI", &["H", "L", "N"]),
        ("VA", &["H", "L", "N"]),
        ("SC", &["H", "L", "N"]),
        ("SI", &["H", "L", "N"]),
        ("SA", &["H", "L", "N"]),
    ];
    let sizes: Vec<usize> = V4.iter().map(|(_, values)| values.len()).collect();
    let all = combinations(&sizes);
    assert_eq!(all.len(), 104_976);
    let mut macrovectors = std::collections::BTreeSet::new();
    for levels in &all {
        let fields: Vec<String> =
            V4.iter().zip(levels).map(|((key, values), i)| format!("{key}:{}", values[*i])).collect();
        let text = format!("CVSS:4.0/{}", fields.join("/"));
        let v = cvss::parse(&text).unwrap();
        assert_eq!(v.to_string(), text);
        let s = v.scores();
        assert!(in_range(s.base), "{text}: {}", s.base);
        assert_eq!(s.severity, cvss::Severity::from_score(cvss::Version::V4_0, s.base));
        macrovectors.insert(v.macrovector().unwrap());
    }
    // Base metrics alone reach 36 macrovectors: EQ5 = 0 (E:X means E:A), EQ4 ≠ 0 (only MSI/MSA
    // can be Safety), and CR/IR/AR:X mean H, so EQ6 = 0 exactly when EQ3 < 2:
    // 3 (EQ1) × 2 (EQ2) × 3 (EQ3/EQ6) × 2 (EQ4).
    assert_eq!(macrovectors.len(), 36);
}
