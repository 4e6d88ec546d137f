//! Errors that point at the cause: one mistake gives one error, named where
//! it is, with what to do.

mod common;

use common::Fixture;

fn site() -> Fixture {
    let f = Fixture::new();
    f.write(
        "site.yaml",
        "title: T\npeople:\n  - id: streeting\n    name: Wes Streeting\n    role: Health Secretary.\n",
    );
    f.write(
        "content/explainers/pay.md",
        "---\ntitle: Pay\n---\nSee [cost](cost.md).\n",
    );
    f.write(
        "content/explainers/cost.md",
        "---\ntitle: Cost\n---\nSee [pay](pay.md).\n",
    );
    f
}

#[test]
fn a_page_that_fails_to_parse_gives_its_own_error_only() {
    let f = site();
    // cost.md's front matter is broken; pay.md and home link to it.
    f.write("content/explainers/cost.md", "---\ntitle: [Cost\n---\nBody.\n");
    f.write(
        "content/_index.md",
        "---\ntitle: Home\n---\n[Cost](explainers/cost.md)\n",
    );
    let err = f.build_err();
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(err.contains("error: content/explainers/cost.md:2:"), "{err}");
}

#[test]
fn a_link_to_a_draft_says_it_is_a_draft() {
    let f = site();
    f.write(
        "content/explainers/cost.md",
        "---\ntitle: Cost\ndraft: true\n---\nDraft.\n",
    );
    let err = f.build_err();
    assert!(
        err.contains("content/explainers/pay.md:4:5: link to `cost.md`, which is a draft"),
        "{err}"
    );
    assert!(err.contains("build with --drafts"), "{err}");
    assert!(
        err.contains("remove `draft: true` from content/explainers/cost.md"),
        "{err}"
    );
    // With --drafts it builds.
    let out = f.run(&["build", "--drafts"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_link_to_a_missing_page_suggests_the_nearest_file() {
    let f = site();
    f.write(
        "content/explainers/pay.md",
        "---\ntitle: Pay\n---\nSee [cost](costs.md).\n",
    );
    let err = f.build_err();
    assert!(err.contains("link to `costs.md`, which does not exist"), "{err}");
    assert!(err.contains("did you mean `@/explainers/cost.md`?"), "{err}");
}

#[test]
fn an_unknown_person_on_a_page_gets_a_did_you_mean() {
    let f = site();
    f.write(
        "content/explainers/pay.md",
        "---\ntitle: Pay\npeople: [streting]\n---\nBody.\n",
    );
    let err = f.build_err();
    assert!(
        err.contains("content/explainers/pay.md:3:10: unknown person `streting`"),
        "{err}"
    );
    assert!(err.contains("did you mean `streeting`?"), "{err}");
}
