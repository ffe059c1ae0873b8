//! `GET /intel/{id}`: everything stored about a CVE or advisory id. First the exploitation
//! signals — the KEV listing prominently, Vulnrichment SSVC points, the EPSS probability — then
//! every record of the id with its provenance, our CVSS scores, affected products, remediations
//! and references, then the advisories that name the id (the CSAF advisories covering a CVE),
//! each linked to its own page.
//!
//! Said the same way everywhere on the page: an SSVC value nobody stated is "unknown", never
//! "none"; EPSS is a probability, not evidence; a version range nobody could read "needs analyst";
//! CVSS scores are ours, a differing published score is flagged; only `http`/`https` URLs become
//! links.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use model::advisory::{
    Advisory, AdvisoryKind, AffectedStatement, Bound, ConfigNode, Configuration, CpeMatch, EpssScore, Exploitation,
    Justification, KevEntry, Operator, ProductName, ProductStatus, Provenance, RansomwareUse, Remediation,
    RemediationKind, Source, SsvcPoints, Target, TechnicalImpact, VersionSpec,
};
use store::IntelView;

use super::intel_status::source_label;
use super::{count, respond, text_or_none};
use crate::AppState;
use crate::api::path_id;
use crate::html::{self, Html};
use crate::intel::{self, ComputedScore};

pub(crate) async fn handler(State(state): State<AppState>, id: Result<Path<String>, PathRejection>) -> Response {
    let data = match path_id(id) {
        Ok(id) => {
            state
                .with_store(move |s| {
                    let id = id.trim().to_string();
                    let view = s.intel_lookup(&id)?;
                    if view.is_empty() { Err(intel::unknown(&id)) } else { Ok((canonical(&id, &view), view)) }
                })
                .await
        }
        Err(f) => Err(f),
    };
    let title = data.as_ref().map(|(id, _)| id.clone()).unwrap_or_default();
    respond(&state, &title, Some("/intel"), data.map(|(id, view)| render(&id, &view)))
}

/// The id as the stored records spell it (`CVE-2024-3400` for a request for `cve-2024-3400`);
/// as requested when no record spells it.
fn canonical(id: &str, view: &IntelView) -> String {
    let is = |s: &&str| s.trim().eq_ignore_ascii_case(id);
    let spelled = view
        .advisories
        .iter()
        .flat_map(|a| std::iter::once(a.id.as_str()).chain(a.aliases.iter().map(String::as_str)))
        .chain(view.kev.iter().map(|k| k.cve.as_str()))
        .chain(view.epss.iter().map(|e| e.cve.as_str()))
        .chain(view.ssvc.iter().map(|p| p.cve.as_str()))
        .find(is);
    spelled.map_or_else(|| id.to_string(), |s| s.trim().to_string())
}

pub(crate) fn render(id: &str, view: &IntelView) -> Html {
    let (own, naming): (Vec<&Advisory>, Vec<&Advisory>) =
        view.advisories.iter().partition(|a| a.id.trim().eq_ignore_ascii_case(id));
    let mut h = Html::new();
    h.open("p", &[("class", "crumbs")]).link("/intel", "← Intelligence").close("p");
    h.el("h1", &[], id);
    let mut sub = vec![count(own.len(), "record", "records")];
    if !naming.is_empty() {
        sub.push(format!("named by {}", count(naming.len(), "advisory", "advisories")));
    }
    h.el("p", &[("class", "sub")], sub.join(" · "));

    kev_box(&mut h, &view.kev);
    ssvc(&mut h, &view.ssvc);
    epss(&mut h, view.epss.as_ref());

    h.open("h2", &[]).text("Records of ").el("code", &[], id).close("h2");
    if own.is_empty() {
        h.open("p", &[("class", "none")])
            .text("No record of ")
            .el("code", &[], id)
            .text(" itself is stored (no NVD or CVE record of it was imported); the advisories below name it.")
            .close("p");
    }
    for (i, a) in own.iter().enumerate() {
        advisory(&mut h, a, &html::anchor("record", &i.to_string()));
    }

    if !naming.is_empty() {
        naming_table(&mut h, id, &naming);
    }
    h
}

// ---------------------------------------------------------------------------------------------
// Exploitation signals

fn kev_box(h: &mut Html, kev: &[KevEntry]) {
    if kev.is_empty() {
        h.open("p", &[("class", "none")])
            .text("No CISA KEV entry is stored for this id. If the KEV catalog has not been imported, that says nothing; see ")
            .link("/intel", "what is imported")
            .text(".")
            .close("p");
        return;
    }
    h.raw("<section class=\"kev\" aria-labelledby=\"kev\">");
    h.el("h2", &[("id", "kev")], "Known exploited: listed in the CISA KEV catalog");
    for k in kev {
        if k.provenance.source == Source::Kev {
            h.raw("<dl class=\"facts\">");
            fact(h, "Vulnerability", k.name.as_deref());
            let product: Vec<&str> =
                [k.vendor_project.as_deref(), k.product.as_deref()].into_iter().flatten().collect();
            fact(h, "Vendor · product", Some(product.join(" · ").as_str()).filter(|s| !s.is_empty()));
            h.el("dt", &[], "Date added").open("dd", &[]).el("strong", &[], &k.date_added).close("dd");
            h.el("dt", &[], "Due date").open("dd", &[]);
            match &k.due_date {
                Some(d) => h.el("strong", &[], d).text(" (the deadline US federal agencies are given)"),
                None => h.el("span", &[("class", "none")], "not stated"),
            };
            h.close("dd").el("dt", &[], "Known ransomware use").open("dd", &[]);
            match k.ransomware {
                RansomwareUse::Known => h.el("strong", &[("class", "badge badge-bad")], "known"),
                RansomwareUse::Unknown => h.text("unknown"),
            };
            h.close("dd");
            fact(h, "Required action", k.required_action.as_deref());
            if let Some(d) = &k.description {
                fact(h, "Description", Some(d));
            }
            if let Some(n) = k.notes.as_deref().filter(|n| !n.trim().is_empty()) {
                h.el("dt", &[], "Notes").open("dd", &[("class", "prose")]);
                linkify(h, n);
                h.close("dd");
            }
            if !k.cwes.is_empty() {
                h.el("dt", &[], "CWE").open("dd", &[]);
                codes(h, k.cwes.iter().map(String::as_str));
                h.close("dd");
            }
            h.raw("</dl>");
        } else {
            h.open("p", &[])
                .text(source_label(k.provenance.source))
                .text(" ")
                .el("code", &[], &k.provenance.document)
                .text(" also records the KEV listing: added ")
                .el("strong", &[], &k.date_added)
                .text(".")
                .close("p");
        }
        provenance_line(h, &k.provenance);
    }
    h.raw("</section>");
}

/// Free text with the `http`/`https` URLs in it as links (KEV notes list their sources that way);
/// every other word, `javascript:` URLs included, stays text.
fn linkify(h: &mut Html, text: &str) {
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(|c: char| !c.is_whitespace()).unwrap_or(rest.len());
        h.text(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        // Separators KEV puts after a URL are not part of it.
        let url = word.trim_end_matches([';', ',', ')', '.']);
        match html::web_url(url) {
            Some(u) if u == url => {
                h.open("a", &[("href", u), ("rel", "noreferrer noopener")]).text(u).close("a");
                h.text(&word[url.len()..]);
            }
            _ => {
                h.text(word);
            }
        }
        rest = &rest[end..];
    }
}

fn exploitation(h: &mut Html, e: Option<Exploitation>) {
    match e {
        None => unknown(h),
        Some(Exploitation::None) => {
            h.text("none — no evidence of exploitation and no public proof of concept reported");
        }
        Some(Exploitation::Poc) => {
            h.el("span", &[("class", "badge badge-warn")], "poc").text(" — a public proof of concept exists");
        }
        Some(Exploitation::Active) => {
            h.el("strong", &[("class", "badge badge-bad")], "active").text(" — exploited");
        }
    }
}

fn unknown(h: &mut Html) {
    h.el("span", &[("class", "none")], "unknown");
}

fn ssvc(h: &mut Html, points: &[SsvcPoints]) {
    h.el("h2", &[], "SSVC decision points");
    if points.is_empty() {
        h.el(
            "p",
            &[("class", "none")],
            "No SSVC decision points are stored for this id: exploitation, automatable and technical impact are unknown.",
        );
        return;
    }
    h.raw("<div class=\"table-wrap\"><table><caption>As published by a coordinator (CISA Vulnrichment); a value not stated is unknown</caption>")
        .raw("<thead><tr><th scope=\"col\">Published by</th><th scope=\"col\">Exploitation</th>")
        .raw("<th scope=\"col\">Automatable</th><th scope=\"col\">Technical impact</th>")
        .raw("<th scope=\"col\">Decision model</th><th scope=\"col\">Timestamp</th><th scope=\"col\">Document</th>")
        .raw("</tr></thead><tbody>");
    for p in points {
        h.raw("<tr><th scope=\"row\">");
        match &p.role {
            Some(r) => h.text(r),
            None => h.el("span", &[("class", "none")], "role not stated"),
        };
        h.raw("</th><td>");
        exploitation(h, p.exploitation);
        h.raw("</td><td>");
        match p.automatable {
            Some(true) => h.text("yes"),
            Some(false) => h.text("no"),
            None => h.el("span", &[("class", "none")], "unknown"),
        };
        h.raw("</td><td>");
        match p.technical_impact {
            Some(TechnicalImpact::Total) => h.text("total"),
            Some(TechnicalImpact::Partial) => h.text("partial"),
            None => h.el("span", &[("class", "none")], "unknown"),
        };
        h.raw("</td><td>");
        text_or_none(h, p.version.as_deref().map(|v| format!("SSVC {v}")).as_deref());
        h.raw("</td><td>");
        text_or_none(h, p.timestamp.as_deref());
        h.raw("</td><td>").el("code", &[], &p.provenance.document).raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
}

/// `0.94312` as `94.31 %`; tiny probabilities do not round to a reassuring 0.
fn percent(p: f64) -> String {
    let pct = p * 100.0;
    if pct > 0.0 && pct < 0.01 { "less than 0.01 %".to_string() } else { format!("{pct:.2} %") }
}

fn epss(h: &mut Html, e: Option<&EpssScore>) {
    h.el("h2", &[], "EPSS probability");
    let Some(e) = e else {
        h.el("p", &[("class", "none")], "No EPSS score is stored for this id.");
        return;
    };
    h.open("p", &[])
        .el("strong", &[], percent(e.score))
        .text(" estimated probability of exploitation activity in the next 30 days")
        .text(format!(" (higher than {} of scored CVEs), scored on {}", percent(e.percentile), e.date));
    if let Some(m) = &e.model_version {
        h.text(format!(", model {m}"));
    }
    h.text(".").close("p");
    h.el(
        "p",
        &[("class", "sub")],
        "EPSS is a statistical estimate by FIRST, not evidence that this vulnerability is exploited; the KEV \
         listing and SSVC exploitation above are the evidence.",
    );
    provenance_line(h, &e.provenance);
}

// ---------------------------------------------------------------------------------------------
// One record

fn kind_label(k: AdvisoryKind) -> &'static str {
    match k {
        AdvisoryKind::Cve => "CVE record",
        AdvisoryKind::VendorAdvisory => "vendor advisory",
        AdvisoryKind::Vex => "VEX document",
    }
}

fn advisory(h: &mut Html, a: &Advisory, anchor: &str) {
    h.open("section", &[("class", "advisory"), ("aria-labelledby", anchor)]);
    h.open("h3", &[("id", anchor)]).text(source_label(a.provenance.source)).text(": ").el("code", &[], &a.id);
    h.raw(" ").el("span", &[("class", "badge")], kind_label(a.kind));
    if a.rejected {
        h.raw(" ").el("strong", &[("class", "badge badge-bad")], "rejected");
    }
    h.close("h3");
    if a.rejected {
        h.el(
            "p",
            &[("class", "notice notice-bad")],
            "This CVE was rejected: it is not a vulnerability to act on. Its text is kept as published.",
        );
    }
    if let Some(t) = &a.title {
        h.open("p", &[]).el("strong", &[], t).close("p");
    }
    if let Some(d) = &a.description {
        h.el("p", &[("class", "prose")], d);
    }

    h.raw("<dl class=\"facts\">");
    h.el("dt", &[], "Source").open("dd", &[]).text(source_label(a.provenance.source)).text(" ");
    h.el("code", &[], a.provenance.source.as_str()).close("dd");
    h.el("dt", &[], "Document").open("dd", &[]).el("code", &[], &a.provenance.document).close("dd");
    fact(h, "Revision", a.provenance.revision.as_deref());
    fact(h, "Published", a.published.as_deref());
    fact(h, "Modified", a.modified.as_deref());
    fact(h, "File", a.provenance.file.as_deref());
    h.el("dt", &[], "Digest (SHA-256)").open("dd", &[]);
    digest(h, a.provenance.digest.as_deref());
    h.close("dd");
    fact(h, "Retrieved", a.provenance.retrieved_at.as_deref());
    if !a.aliases.is_empty() {
        h.el("dt", &[], if a.kind == AdvisoryKind::Cve { "Also known as" } else { "Covers" }).raw("<dd>");
        for (i, alias) in a.aliases.iter().enumerate() {
            if i > 0 {
                h.raw(", ");
            }
            h.open("a", &[("href", &html::intel_href(alias.trim()))]).el("code", &[], alias).close("a");
        }
        h.raw("</dd>");
    }
    h.el("dt", &[], "Weakness (CWE)").open("dd", &[]);
    if a.cwes.is_empty() {
        h.el("span", &[("class", "none")], "not stated");
    } else {
        codes(h, a.cwes.iter().map(String::as_str));
    }
    h.raw("</dd></dl>");

    if !a.warnings.is_empty() {
        h.open("div", &[("class", "notice")]).el("strong", &[], "Data-quality warnings from reading this document:");
        h.raw("<ul>");
        for w in &a.warnings {
            h.el("li", &[], w);
        }
        h.raw("</ul></div>");
    }

    scores(h, a);
    affected(h, a);
    remediations(h, a);
    references(h, a);
    h.close("section");
}

fn fact(h: &mut Html, label: &str, value: Option<&str>) {
    h.el("dt", &[], label).open("dd", &[]);
    text_or_none(h, value);
    h.close("dd");
}

fn codes<'a>(h: &mut Html, items: impl Iterator<Item = &'a str>) {
    for (i, c) in items.enumerate() {
        if i > 0 {
            h.raw(", ");
        }
        h.el("code", &[], c);
    }
}

/// A digest shortened to its first 12 hex digits, which tell files apart in any realistic
/// collection; the whole digest is in the title.
fn digest(h: &mut Html, d: Option<&str>) {
    match d {
        Some(d) => {
            let short = d.get(..12).filter(|_| d.len() > 12);
            match short {
                Some(s) => h.open("code", &[("title", d)]).text(s).text("…").close("code"),
                None => h.el("code", &[], d),
            };
        }
        None => {
            h.el("span", &[("class", "none")], "not recorded");
        }
    }
}

/// Where a signal came from, in one muted line.
fn provenance_line(h: &mut Html, p: &Provenance) {
    h.open("p", &[("class", "sub")]).text("From ").el("code", &[], &p.document);
    if let Some(r) = &p.revision {
        h.text(format!(", revision {r}"));
    }
    if let Some(f) = &p.file {
        h.text(", file ").el("code", &[], f);
    }
    if let Some(d) = &p.digest {
        h.text(" ");
        digest(h, Some(d));
    }
    if let Some(t) = &p.retrieved_at {
        h.text(format!(", read {t}"));
    }
    h.close("p");
}

fn severity_class(s: cvss::Severity) -> &'static str {
    match s {
        cvss::Severity::Critical | cvss::Severity::High => "badge badge-bad",
        cvss::Severity::Medium => "badge badge-warn",
        cvss::Severity::Low | cvss::Severity::None => "badge badge-ok",
    }
}

fn scores(h: &mut Html, a: &Advisory) {
    h.el("h4", &[], "CVSS");
    if a.cvss.is_empty() {
        h.el("p", &[("class", "none")], "No CVSS vector published.");
        return;
    }
    h.raw("<div class=\"table-wrap\"><table><caption>Scores computed by Patchwise from each vector; a published score is only compared</caption>")
        .raw("<thead><tr><th scope=\"col\">Vector</th><th scope=\"col\">Scored by</th>")
        .raw("<th scope=\"col\">Our score</th><th scope=\"col\">Published score</th></tr></thead><tbody>");
    for v in &a.cvss {
        let s: ComputedScore = intel::score(v);
        h.raw("<tr><td>").el("code", &[], &v.vector).raw("</td><td>");
        text_or_none(h, v.scored_by.as_deref());
        h.raw("</td><td>");
        match (s.base, s.severity, s.version, &s.error) {
            (Some(base), Some(sev), Some(ver), _) => {
                h.el("strong", &[], format!("{base:.1}")).text(" ");
                h.el("span", &[("class", severity_class(sev))], sev.as_str().to_ascii_lowercase());
                h.text(format!(" (CVSS {ver})"));
            }
            (_, _, _, err) => {
                h.el("strong", &[("class", "badge badge-bad")], "invalid vector");
                if let Some(e) = err {
                    h.text(" ").text(e);
                }
            }
        }
        h.raw("</td><td>");
        match &v.published_score {
            Some(p) => {
                h.text(p);
                if s.published_differs {
                    h.raw(" ").el("span", &[("class", "badge badge-warn")], "differs from ours");
                }
            }
            None => {
                h.el("span", &[("class", "none")], "not stated");
            }
        }
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
}

// ---------------------------------------------------------------------------------------------
// Affected products

pub(crate) fn status_badge(h: &mut Html, s: ProductStatus) {
    let (class, label) = match s {
        ProductStatus::Affected => ("badge badge-bad", "affected"),
        ProductStatus::NotAffected => ("badge badge-ok", "not affected"),
        ProductStatus::Fixed => ("badge badge-ok", "fixed"),
        ProductStatus::UnderInvestigation => ("badge badge-warn", "under investigation"),
    };
    h.el("span", &[("class", class)], label);
}

pub(crate) fn justification(j: Justification) -> &'static str {
    match j {
        Justification::ComponentNotPresent => "the component is not present",
        Justification::VulnerableCodeNotPresent => "the vulnerable code is not present",
        Justification::VulnerableCodeNotInExecutePath => "the vulnerable code is not in the execute path",
        Justification::VulnerableCodeCannotBeControlledByAdversary => {
            "the vulnerable code cannot be controlled by an adversary"
        }
        Justification::InlineMitigationsAlreadyExist => "inline mitigations already exist",
    }
}

/// Whether statements or remediations are about more than the record's own id (a CSAF
/// advisory covering several CVEs): then each row names its vulnerability.
fn names_vulnerabilities<'a>(a: &Advisory, vulns: impl Iterator<Item = &'a str>) -> bool {
    vulns.into_iter().any(|v| !v.eq_ignore_ascii_case(&a.id))
}

fn affected(h: &mut Html, a: &Advisory) {
    h.el("h4", &[], "Affected products");
    if a.affected.is_empty() {
        h.el("p", &[("class", "none")], "No affected-product statement published.");
        return;
    }
    let per_vuln = names_vulnerabilities(a, a.affected.iter().map(|s| s.vulnerability.as_str()));
    h.raw("<div class=\"table-wrap\"><table><thead><tr>");
    if per_vuln {
        h.raw("<th scope=\"col\">Vulnerability</th>");
    }
    h.raw("<th scope=\"col\">Product</th><th scope=\"col\">Versions</th><th scope=\"col\">Status</th>")
        .raw("<th scope=\"col\">Justification / detail</th></tr></thead><tbody>");
    for s in &a.affected {
        h.raw("<tr>");
        if per_vuln {
            h.open("td", &[]).el("code", &[], &s.vulnerability).close("td");
        }
        match &s.target {
            Target::Product { product, versions } => {
                h.raw("<td>");
                product_name(h, product);
                h.raw("</td><td>");
                version_spec(h, versions);
                h.raw("</td>");
            }
            Target::Configuration { configuration: c } => {
                h.raw("<td colspan=\"2\">");
                configuration(h, c);
                h.raw("</td>");
            }
        }
        h.raw("<td>");
        status_badge(h, s.status);
        h.raw("</td><td>");
        statement_detail(h, s);
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
}

fn statement_detail(h: &mut Html, s: &AffectedStatement) {
    if s.justification.is_none() && s.detail.is_none() {
        h.el("span", &[("class", "none")], "—");
        return;
    }
    if let Some(j) = s.justification {
        h.text(justification(j));
    }
    if let Some(d) = &s.detail {
        if s.justification.is_some() {
            h.raw("<br>");
        }
        h.el("span", &[("class", "prose")], d);
    }
}

/// Vendor · family · product, then model numbers, SKUs, CPE and purl, each only when given.
fn product_name(h: &mut Html, p: &ProductName) {
    let names: Vec<&str> = [p.vendor.as_deref(), p.family.as_deref(), p.product.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect();
    let mut any = false;
    if !names.is_empty() {
        h.el("strong", &[], names.join(" · "));
        any = true;
    }
    for (label, items) in [("model / order numbers", &p.model_numbers), ("SKUs", &p.skus)] {
        if !items.is_empty() {
            h.raw("<br>").el("span", &[("class", "sub")], label).text(": ");
            codes(h, items.iter().map(String::as_str));
            any = true;
        }
    }
    for (label, v) in [("CPE", &p.cpe), ("purl", &p.purl)] {
        if let Some(v) = v {
            h.raw("<br>").el("span", &[("class", "sub")], label).text(": ").el("code", &[], v);
            any = true;
        }
    }
    if !any {
        h.el("span", &[("class", "none")], "product not named");
    }
}

/// A bound pair in words: `from 2.0, before 2.9.4`.
fn range_text(start: Option<&Bound>, end: Option<&Bound>) -> String {
    let mut parts = Vec::new();
    if let Some(s) = start {
        parts.push(format!("{} {}", if s.inclusive { "from" } else { "after" }, s.version));
    }
    if let Some(e) = end {
        parts.push(format!("{} {}", if e.inclusive { "up to and including" } else { "before" }, e.version));
    }
    if parts.is_empty() { "all versions".to_string() } else { parts.join(", ") }
}

fn version_spec(h: &mut Html, v: &VersionSpec) {
    match v {
        VersionSpec::All => {
            h.text("all versions");
        }
        VersionSpec::Exact { version } => {
            h.text("version ").el("code", &[], version);
        }
        VersionSpec::Range { start, end } => {
            h.text(range_text(start.as_ref(), end.as_ref()));
        }
        VersionSpec::Vers { vers } => {
            h.el("code", &[], vers);
        }
        VersionSpec::Unparsed { text } => {
            h.el("code", &[], text).raw(" ").el("strong", &[("class", "badge badge-warn")], "needs analyst");
        }
    }
}

/// The fields of a CPE 2.3 formatted string (`\`-escapes undone) or a CPE 2.2 URI.
fn cpe_fields(cpe: &str) -> Option<Vec<String>> {
    if let Some(rest) = cpe.strip_prefix("cpe:2.3:") {
        let mut fields = vec![String::new()];
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let (Some(next), Some(last)) = (chars.next(), fields.last_mut()) {
                        last.push(next);
                    }
                }
                ':' => fields.push(String::new()),
                c => {
                    if let Some(last) = fields.last_mut() {
                        last.push(c);
                    }
                }
            }
        }
        Some(fields)
    } else {
        cpe.strip_prefix("cpe:/").map(|rest| rest.split(':').map(str::to_string).collect())
    }
}

/// A CPE value that says something (not `*` any, not `-` not applicable, not empty).
fn cpe_value(f: Option<&String>) -> Option<&str> {
    f.map(String::as_str).filter(|v| !v.is_empty() && *v != "*" && *v != "-")
}

/// `siemens simatic s7-1500 firmware (operating system / firmware)`, and the CPE's version field.
fn cpe_readable(fields: &[String]) -> (String, Option<&str>) {
    let name: Vec<String> =
        [fields.get(1), fields.get(2)].into_iter().filter_map(cpe_value).map(|s| s.replace('_', " ")).collect();
    let mut out = if name.is_empty() { "any product".to_string() } else { name.join(" ") };
    if let Some(u) = cpe_value(fields.get(4)) {
        out.push_str(&format!(" update {u}"));
    }
    // CPE 2.3 only: target software and hardware.
    if fields.len() > 10 {
        for t in [fields.get(8), fields.get(9)].into_iter().filter_map(cpe_value) {
            out.push_str(&format!(" on {}", t.replace('_', " ")));
        }
    }
    let part = match fields.first().map(String::as_str) {
        Some("a") => Some("application"),
        Some("o") => Some("operating system / firmware"),
        Some("h") => Some("hardware"),
        _ => None,
    };
    if let Some(p) = part {
        out.push_str(&format!(" ({p})"));
    }
    let version = fields.get(3).map(String::as_str).filter(|v| !v.is_empty());
    (out, version)
}

/// The versions one CPE match covers, in words.
fn match_versions(m: &CpeMatch, cpe_version: Option<&str>) -> String {
    let bound = |v: &Option<String>, inclusive| v.as_ref().map(|v| Bound { version: v.clone(), inclusive });
    let start = bound(&m.version_start_including, true).or_else(|| bound(&m.version_start_excluding, false));
    let end = bound(&m.version_end_including, true).or_else(|| bound(&m.version_end_excluding, false));
    match (start.is_some() || end.is_some(), cpe_version) {
        (true, _) => range_text(start.as_ref(), end.as_ref()),
        (false, None | Some("*")) => "all versions".to_string(),
        (false, Some("-")) => "no version (not applicable)".to_string(),
        (false, Some(v)) => format!("version {v}"),
    }
}

fn cpe_match(h: &mut Html, m: &CpeMatch) {
    h.raw("<li>");
    if m.vulnerable {
        h.el("span", &[("class", "badge badge-bad")], "vulnerable");
    } else {
        h.el("span", &[("class", "badge")], "platform");
    }
    h.raw(" ");
    match cpe_fields(&m.criteria) {
        Some(fields) => {
            let (name, version) = cpe_readable(&fields);
            h.el("strong", &[], name).text(" — ").text(match_versions(m, version));
        }
        None => {
            h.text(match_versions(m, None));
        }
    }
    h.raw("<br>").el("code", &[("class", "cpe")], &m.criteria).raw("</li>");
}

fn config_node(h: &mut Html, n: &ConfigNode) {
    if let ([m], [], false) = (n.matches.as_slice(), n.children.as_slice(), n.negate) {
        cpe_match(h, m);
        return;
    }
    let lead = match (n.operator, n.negate) {
        (Operator::Or, false) => "any of:",
        (Operator::And, false) => "all of:",
        (Operator::Or, true) => "none of:",
        (Operator::And, true) => "not all of:",
    };
    h.raw("<li>").el("span", &[("class", "sub")], lead);
    h.raw("<ul>");
    for m in &n.matches {
        cpe_match(h, m);
    }
    for c in &n.children {
        config_node(h, c);
    }
    h.raw("</ul></li>");
}

fn configuration(h: &mut Html, c: &Configuration) {
    let lead = match (c.operator, c.nodes.len()) {
        (_, 0) => "A configuration without criteria.",
        (Operator::And, n) if n > 1 => {
            "All of these together (the vulnerable product running on or with the platform):"
        }
        _ => "Any of these:",
    };
    h.open("p", &[("class", "sub")]);
    if c.negate {
        h.el("strong", &[], "Not: ");
    }
    h.text(lead).close("p");
    h.raw("<ul class=\"config\">");
    for n in &c.nodes {
        config_node(h, n);
    }
    h.raw("</ul>");
}

// ---------------------------------------------------------------------------------------------
// Remediations and references

pub(crate) fn remediation_kind(h: &mut Html, k: RemediationKind) {
    let (class, label) = match k {
        RemediationKind::VendorFix => ("badge badge-ok", "vendor fix"),
        RemediationKind::Mitigation => ("badge", "mitigation"),
        RemediationKind::Workaround => ("badge", "workaround"),
        RemediationKind::NoneAvailable => ("badge badge-bad", "none available"),
        RemediationKind::NoFixPlanned => ("badge badge-bad", "no fix planned"),
    };
    h.el("span", &[("class", class)], label);
}

fn remediations(h: &mut Html, a: &Advisory) {
    h.el("h4", &[], "Remediations");
    if a.remediations.is_empty() {
        h.el("p", &[("class", "none")], "No remediation published.");
        return;
    }
    let per_vuln = names_vulnerabilities(a, a.remediations.iter().map(|r| r.vulnerability.as_str()));
    h.raw("<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Kind</th>");
    if per_vuln {
        h.raw("<th scope=\"col\">Vulnerability</th>");
    }
    h.raw("<th scope=\"col\">Details</th><th scope=\"col\">Products</th><th scope=\"col\">Fixed version</th>")
        .raw("<th scope=\"col\">Restart required</th><th scope=\"col\">Date</th><th scope=\"col\">Link</th>")
        .raw("</tr></thead><tbody>");
    for r in &a.remediations {
        remediation(h, r, per_vuln);
    }
    h.raw("</tbody></table></div>");
}

fn remediation(h: &mut Html, r: &Remediation, per_vuln: bool) {
    h.raw("<tr><td>");
    remediation_kind(h, r.kind);
    h.raw("</td>");
    if per_vuln {
        h.open("td", &[]).el("code", &[], &r.vulnerability).close("td");
    }
    h.el("td", &[("class", "prose")], &r.details);
    h.raw("<td>");
    if r.products.is_empty() {
        h.el("span", &[("class", "none")], "not stated");
    } else {
        h.raw("<ul class=\"plain\">");
        for p in &r.products {
            h.raw("<li>");
            product_name(h, p);
            h.raw("</li>");
        }
        h.raw("</ul>");
    }
    h.raw("</td><td>");
    remedy_cells(
        h,
        r.fixed_version.as_deref(),
        r.restart_required.as_deref(),
        Some(r.date.as_deref()),
        r.url.as_deref(),
    );
    h.raw("</td></tr>");
}

/// A stated value (as code or text), or "not stated" when absent or blank.
pub(crate) fn stated(h: &mut Html, value: Option<&str>, code: bool) {
    match value {
        Some(v) if !v.trim().is_empty() && code => h.el("code", &[], v),
        Some(v) if !v.trim().is_empty() => h.text(v),
        _ => h.el("span", &[("class", "none")], "not stated"),
    };
}

/// The cells a remediation shows on every page, separated by `</td><td>`: fixed version,
/// restart required, the date (where the table has that column) and the link (http(s) only).
pub(crate) fn remedy_cells(
    h: &mut Html,
    fixed: Option<&str>,
    restart: Option<&str>,
    date: Option<Option<&str>>,
    url: Option<&str>,
) {
    stated(h, fixed, true);
    h.raw("</td><td>");
    stated(h, restart, false);
    if let Some(date) = date {
        h.raw("</td><td>");
        stated(h, date, false);
    }
    h.raw("</td><td>");
    match url {
        Some(u) => h.web_link(u),
        None => h.el("span", &[("class", "none")], "—"),
    };
}

fn references(h: &mut Html, a: &Advisory) {
    h.el("h4", &[], "References");
    if a.references.is_empty() {
        h.el("p", &[("class", "none")], "No references published.");
        return;
    }
    h.raw("<ul class=\"refs\">");
    for r in &a.references {
        h.raw("<li>").web_link(&r.url);
        if !r.tags.is_empty() {
            h.text(" ").el("span", &[("class", "sub")], format!("({})", r.tags.join(", ")));
        }
        h.raw("</li>");
    }
    h.raw("</ul>");
}

// ---------------------------------------------------------------------------------------------
// Advisories naming the id

/// What an advisory says about `id`: statements per status, remediations, unreadable ranges.
fn about(h: &mut Html, a: &Advisory, id: &str) {
    let mine: Vec<&AffectedStatement> =
        a.affected.iter().filter(|s| s.vulnerability.trim().eq_ignore_ascii_case(id)).collect();
    let mut parts = Vec::new();
    for (status, label) in [
        (ProductStatus::Affected, "affected"),
        (ProductStatus::Fixed, "fixed"),
        (ProductStatus::NotAffected, "not affected"),
        (ProductStatus::UnderInvestigation, "under investigation"),
    ] {
        let n = mine.iter().filter(|s| s.status == status).count();
        if n > 0 {
            parts.push(format!("{n} {label}"));
        }
    }
    let fixes = a.remediations.iter().filter(|r| r.vulnerability.trim().eq_ignore_ascii_case(id)).count();
    if fixes > 0 {
        parts.push(count(fixes, "remediation", "remediations"));
    }
    if parts.is_empty() {
        h.el("span", &[("class", "none")], "no statement about it");
    } else {
        h.text(parts.join(" · "));
    }
    let unreadable =
        mine.iter().any(|s| matches!(&s.target, Target::Product { versions: VersionSpec::Unparsed { .. }, .. }));
    if unreadable {
        h.raw(" ").el("strong", &[("class", "badge badge-warn")], "needs analyst");
    }
}

fn naming_table(h: &mut Html, id: &str, naming: &[&Advisory]) {
    h.open("h2", &[]).text("Advisories that name ").el("code", &[], id).close("h2");
    h.el(
        "p",
        &[("class", "sub")],
        "Vendor and coordinator advisories and VEX documents that list it; open one for its products, fixes and provenance.",
    );
    h.raw("<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Advisory</th><th scope=\"col\">Source</th>")
        .raw("<th scope=\"col\">Released / revision</th><th scope=\"col\">About this id</th></tr></thead><tbody>");
    for a in naming {
        h.raw("<tr><th scope=\"row\">").link(&html::intel_href(&a.id), &a.id);
        if let Some(t) = &a.title {
            h.raw("<br>").text(t);
        }
        if a.rejected {
            h.raw(" ").el("strong", &[("class", "badge badge-bad")], "rejected");
        }
        h.raw("</th><td>").text(source_label(a.provenance.source)).raw("<br>");
        h.el("span", &[("class", "sub")], kind_label(a.kind)).raw("</td><td>");
        text_or_none(h, a.modified.as_deref().or(a.published.as_deref()));
        if let Some(r) = &a.provenance.revision {
            h.text(format!(" · revision {r}"));
        }
        h.raw("</td><td>");
        about(h, a, id);
        h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
}
