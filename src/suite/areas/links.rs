//! MFA-LINKS: `_links.self` and `_links.user` of the PUT and GET answers.

use serde_json::Value;

use super::super::cases::{Evidence, Grade, Via, should};
use super::super::ctx::{CaseCtx, Step};

/// The relations the published example names (facts §1.3).
const DOCUMENTED: [&str; 2] = ["self", "user"];

/// A relation beyond `self` and `user`: a change to review, not a broken contract.
const ADDITIONAL: Grade = should(Evidence::Doc(
    "the published example answer names exactly self and user (facts §1.3); SPEC \
     LinksHATEOAS allows any relation, so another one is a change to review, not a break",
));

impl CaseCtx {
    pub(super) async fn links(&mut self, via: Via) -> Step<()> {
        let user = self.user_with(false).await?;
        let ex = self.send_main(self.via(via, &user)).await?;
        let expect = self.expect;
        if !self.check(&ex, &expect) {
            return Ok(());
        }
        let grade = expect.procedure_grade();
        let links = ex
            .json()
            .and_then(|j| j.get("_links").cloned())
            .unwrap_or(Value::Null);
        let href = |rel: &str| {
            links
                .get(rel)
                .and_then(|l| l.get("href"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        let (self_href, user_href) = (href("self"), href("user"));
        let want_self = self.mfa_url(&user);
        let want_user = self.user_url(&user);
        self.ensure(
            self_href.as_deref() == Some(want_self.as_str()),
            grade,
            "_links.self.href is the request URL",
            want_self.clone(),
            || show_opt(self_href.as_deref()),
            Some(&ex),
        );
        self.ensure(
            user_href.as_deref() == Some(want_user.as_str()),
            grade,
            "_links.user.href is the user's URL",
            want_user.clone(),
            || show_opt(user_href.as_deref()),
            Some(&ex),
        );
        let additional: Vec<String> = links
            .as_object()
            .map(|o| {
                o.keys()
                    .filter(|k| !DOCUMENTED.contains(&k.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        self.ensure(
            additional.is_empty(),
            ADDITIONAL,
            "_links names only the documented relations (another relation is a change to review)",
            "self and user",
            || format!("also {}", additional.join(", ")),
            Some(&ex),
        );
        self.links = Some(redact(
            &links,
            &self.session.target.api_url,
            &self.session.target.environment_id,
            &user,
        ));
        Ok(())
    }
}

fn show_opt(v: Option<&str>) -> String {
    v.map_or_else(|| "(absent)".to_string(), str::to_string)
}

/// Replace the API base, environment id and user id in every string with `{{apiPath}}`,
/// `{{envID}}` and `{{userID}}`, so one snapshot holds for the mock and for every region.
pub fn redact(v: &Value, api_url: &str, env: &str, user: &str) -> Value {
    match v {
        Value::String(s) => Value::String(
            s.replace(api_url, "{{apiPath}}")
                .replace(env, "{{envID}}")
                .replace(user, "{{userID}}"),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| redact(x, api_url, env, user)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), redact(x, api_url, env, user)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn redaction_uses_placeholders() {
        let env = "abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6";
        let user = "05ad3cc6-8723-4f85-9711-05ad549717f6";
        let links = json!({"self": {"href": format!("https://api.pingone.eu/v1/environments/{env}/users/{user}/mfaEnabled")}});
        assert_eq!(
            redact(&links, "https://api.pingone.eu/v1", env, user),
            json!({"self": {"href": "{{apiPath}}/environments/{{envID}}/users/{{userID}}/mfaEnabled"}})
        );
    }
}
