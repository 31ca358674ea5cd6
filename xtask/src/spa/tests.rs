//! The bundle table against its readers: the frontend's routers, the shells the build writes and
//! the CloudFront functions in `infra/template.yaml`, run in node as CloudFront would run them.

use std::process::Command;

use super::*;

const LOCK: &str = r#"
[[package]]
name = "wasm-bindgen-macro"
version = "0.2.999"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

/// Addresses on every side of the table's edges, with the bundle each must load.
const ADDRESSES: &[(&str, &str)] = &[
    ("/", "partner"),
    ("/schools", "partner"),
    ("/schools/pending", "partner"),
    ("/nowhere", "partner"),
    ("/schoolhouse", "partner"),
    ("/authorised", "partner"),
    ("/schools/invite", "partner_invite"),
    ("/schools/invite/international", "partner_invite"),
    ("/schools/invitee", "partner"),
    ("/cases", "partner_cases"),
    ("/cases/c-1", "partner_cases"),
    ("/keys", "partner_settings"),
    ("/team", "partner_settings"),
    ("/school", "school"),
    ("/school/", "school"),
    ("/school/apps/a-1", "school"),
    ("/school/people", "school_people"),
    ("/school/people/STU-1", "school_people"),
    ("/school/peoples", "school"),
    ("/ops", "ops"),
    ("/ops/cases/c-1", "ops"),
    ("/ops/directory", "ops_directory"),
    ("/ops/directorys", "ops"),
    ("/signin", "signin"),
    ("/auth", "signin"),
    ("/school/signin", "signin"),
    ("/school/auth", "signin"),
    ("/ops/signin", "signin"),
    ("/ops/auth", "signin"),
    ("/authorise", "authorise"),
];

/// What CloudFront's `SpaCaching` function and `gatehouse-local` send for what is under
/// `/assets/`, whose names change with its content.
const ASSET_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";
/// And for everything else: the shells above all, which name this build's assets.
const SHELL_CACHE_CONTROL: &str = "no-cache";

/// The bundle whose shell the servers send for the client-side address `path`: the rule
/// `Bundle::paths` states, which `gatehouse-local` and `SpaRoutes` follow.
fn bundle_for(path: &str) -> &'static Bundle {
    routes().into_iter().find(|(prefix, _)| serves(prefix, path)).map(|(_, bundle)| bundle).expect("`/` serves all")
}

/// A path serves itself and every address below it.
fn serves(prefix: &str, path: &str) -> bool {
    path == prefix || path.strip_prefix(prefix.trim_end_matches('/')).is_some_and(|rest| rest.starts_with('/'))
}

/// The CloudFront function `SpaRoutes` (viewer request), as `infra/template.yaml` must hold it:
/// an address without a file extension gets its bundle's shell, as `shells.json` says locally.
fn cloudfront_spa_routes() -> String {
    let shells: Vec<String> =
        routes().iter().map(|(path, bundle)| format!("  [{path:?}, \"/{}\"]", bundle.shell)).collect();
    format!(
        r#"// Generated from BUNDLES in xtask/src/spa.rs, whose tests print it when it differs.
var SHELLS = [
{}
];
function handler(event) {{
  var request = event.request;
  var uri = request.uri;
  if (uri.substring(uri.lastIndexOf('/') + 1).indexOf('.') === -1) {{
    for (var i = 0; i < SHELLS.length; i++) {{
      var path = SHELLS[i][0];
      if (uri === path || uri.indexOf(path.replace(/\/$/, '') + '/') === 0) {{
        request.uri = SHELLS[i][1];
        break;
      }}
    }}
  }}
  return request;
}}
"#,
        shells.join(",\n")
    )
}

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace")
}

fn template() -> String {
    std::fs::read_to_string(workspace_root().join("infra/template.yaml")).expect("infra/template.yaml")
}

/// The `FunctionCode` block of the CloudFront function `resource` in the template.
fn function_code(template: &str, resource: &str) -> String {
    let mut lines = template.lines().skip_while(|line| *line != format!("  {resource}:"));
    assert!(lines.next().is_some(), "infra/template.yaml has no resource {resource}");
    lines.find(|line| line.trim() == "FunctionCode: |").unwrap_or_else(|| panic!("{resource} has no FunctionCode"));
    let code: Vec<&str> = lines
        .take_while(|line| line.is_empty() || line.starts_with("        "))
        .map(|line| line.strip_prefix("        ").unwrap_or(""))
        .collect();
    format!("{}\n", code.join("\n").trim_end())
}

/// Runs `code` and then `calls` in node; returns what `calls` printed.
fn node(code: &str, calls: &str) -> String {
    let output = Command::new("node")
        .arg("-e")
        .arg(format!("{code}\n{calls}"))
        .output()
        .expect("node runs (the SPA build needs it for wasm-opt too)");
    assert!(output.status.success(), "node failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 from node").trim().to_owned()
}

fn json_strings<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items.into_iter().map(|item| format!("{item:?}")).collect();
    format!("[{}]", quoted.join(","))
}

#[test]
fn the_cli_version_comes_from_the_exact_package_in_the_lock() {
    assert_eq!(locked_version(LOCK, "wasm-bindgen").as_deref(), Some("0.2.130"));
    assert_eq!(locked_version(LOCK, "wasm-bindgen-cli"), None);
}

#[test]
fn each_address_loads_the_bundle_that_serves_it() {
    for (address, bundle) in ADDRESSES {
        assert_eq!(bundle_for(address).name, *bundle, "{address}");
    }
}

/// The paths an app in `frontend/src/app` serves: its routes (`path!("/…")`), or for an app
/// without a router, the paths it matches (`"/…" =>`).
fn app_paths(app: &str) -> Vec<String> {
    let routes = app.split("path!(\"").skip(1).filter_map(|rest| rest.split('"').next());
    let matched =
        app.lines().filter_map(|line| line.trim().strip_prefix('"')?.split_once("\" =>").map(|(path, _)| path));
    routes.chain(matched).filter(|path| path.starts_with('/')).map(str::to_owned).collect()
}

#[test]
fn every_path_an_app_serves_loads_its_bundle() {
    for bundle in BUNDLES {
        let frontend = workspace_root().join("frontend/src");
        assert!(frontend.join(format!("bin/{}.rs", bundle.name)).is_file(), "no frontend/src/bin/{}.rs", bundle.name);
        let app = std::fs::read_to_string(frontend.join(format!("app/{}.rs", bundle.name))).expect("the bundle's app");
        let paths = app_paths(&app);
        assert!(!paths.is_empty(), "app/{}.rs serves nothing", bundle.name);
        for path in paths {
            // A parameter (`:case_id`) stands for any one segment.
            let address: Vec<&str> =
                path.split('/').map(|segment| if segment.starts_with(':') { "x" } else { segment }).collect();
            assert_eq!(bundle_for(&address.join("/")).name, bundle.name, "{path} is served in app/{}.rs", bundle.name);
        }
    }
}

#[test]
fn an_apps_paths_are_its_routes_or_its_match_arms() {
    let app = r#"
        <Route path=path!("/cases/:case_id") view=CaseScreen />
        "/school/signin" => EitherOf3::A(view! { <SignIn /> }),
        _ => EitherOf3::C(view! { <NotFound /> }),
    "#;
    assert_eq!(app_paths(app), ["/cases/:case_id", "/school/signin"]);
}

#[test]
fn the_template_routes_addresses_as_the_bundle_table_does() {
    let wanted = cloudfront_spa_routes();
    assert!(
        function_code(&template(), "SpaRoutes") == wanted,
        "SpaRoutes' FunctionCode in infra/template.yaml is not what BUNDLES generates; make it this:\n{wanted}"
    );
}

#[test]
fn cloudfront_sends_the_shell_and_cache_control_the_local_server_does() {
    let template = template();
    let mut addresses: Vec<&str> = ADDRESSES.iter().map(|(address, _)| *address).collect();
    addresses.extend(["/assets/partner-0123456789abcdef.wasm", "/index.html", "/favicon.ico"]);
    let routed = node(
        &function_code(&template, "SpaRoutes"),
        &format!(
            "console.log(JSON.stringify({}.map(function (uri) {{ return handler({{ request: {{ uri: uri }} }}).uri; }})));",
            json_strings(addresses.iter().copied())
        ),
    );
    let shells: Vec<String> = addresses
        .iter()
        .map(
            |address| {
                if address.contains('.') { (*address).to_owned() } else { format!("/{}", bundle_for(address).shell) }
            },
        )
        .collect();
    assert_eq!(routed, json_strings(shells.iter().map(String::as_str)));

    let cached = node(
        &function_code(&template, "SpaCaching"),
        r#"console.log(JSON.stringify([["/assets/ops-0123456789abcdef.js", 200], ["/ops.html", 200], ["/ops/cases", 304], ["/assets/gone.js", 404]].map(function (c) {
            var headers = handler({ request: { uri: c[0] }, response: { statusCode: c[1], headers: {} } }).headers;
            return headers['cache-control'] ? headers['cache-control'].value : '';
        })));"#,
    );
    assert_eq!(cached, json_strings([ASSET_CACHE_CONTROL, SHELL_CACHE_CONTROL, SHELL_CACHE_CONTROL, ""]));
}

#[test]
fn a_build_writes_each_shell_its_hashed_assets_and_the_path_list() {
    let out = std::env::temp_dir().join(format!("gatehouse-spa-test-{}", std::process::id()));
    let stale = out.join(ASSETS).join("partner-0000000000000000.wasm");
    std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
    std::fs::write(&stale, b"old").unwrap();
    let built: Vec<Built> = BUNDLES
        .iter()
        .map(|bundle| Built { bundle, wasm: format!("{} wasm", bundle.name).into(), glue: b"glue".to_vec() })
        .collect();

    let report = write_site(&out, b"body {}", &built).unwrap();

    assert!(!stale.exists(), "an earlier build's assets are removed");
    let html = std::fs::read_to_string(out.join("school.html")).unwrap();
    let wasm = format!("/{ASSETS}/school-{}.wasm", content_hash(b"school wasm"));
    assert!(html.contains(&format!(r#"<link rel="preload" href="{wasm}""#)), "{html}");
    assert!(!html.contains("import "), "no inline script: the CSP allows none");
    let boot = html.split(r#"<script type="module" src=""#).nth(1).and_then(|rest| rest.split('"').next()).unwrap();
    let boot = std::fs::read_to_string(out.join(boot.trim_start_matches('/'))).unwrap();
    assert_eq!(
        boot,
        format!(
            "import init from \"/{ASSETS}/school-{}.js\";\ninit({{ module_or_path: \"{wasm}\" }});\n",
            content_hash(b"glue")
        )
    );
    let shells = std::fs::read_to_string(out.join(SHELLS_JSON)).unwrap();
    assert!(shells.starts_with("{\n  \"/schools/invite\": \"partner-invite.html\",\n"), "longest first: {shells}");
    assert!(shells.contains("\n  \"/school/signin\": \"signin.html\",\n"), "{shells}");
    assert!(shells.ends_with("  \"/\": \"index.html\"\n}\n"), "{shells}");
    let school = report.bundles.iter().find(|bundle| bundle.name == "school").unwrap();
    assert_eq!((school.wasm.raw, school.js.raw), (11, (b"glue".len() + boot.len()) as u64), "the glue and the boot");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn an_asset_name_follows_its_content() {
    assert_eq!(content_hash(b"wasm"), content_hash(b"wasm"));
    assert_ne!(content_hash(b"wasm"), content_hash(b"wasm2"));
    assert_eq!(content_hash(b"wasm").len(), 16);
}

#[test]
fn a_bundle_over_its_budget_fails_the_check() {
    let bundle = |brotli| BundleReport {
        name: "public",
        wasm: Size { raw: 0, brotli },
        js: Size { raw: 0, brotli: 1_000 },
        budget: 150_000,
    };
    let report = |brotli| SpaReport { bundles: vec![bundle(brotli)], css: Size::default() };
    assert!(report(149_000).check_budgets().is_ok());
    let error = report(149_001).check_budgets().unwrap_err().to_string();
    assert!(error.contains("public is 150001 bytes brotli, over 150000"), "{error}");
}
