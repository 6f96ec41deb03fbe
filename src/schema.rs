//! JSON Schema validation of response bodies against the files in `schemas/`.
//!
//! The schemas (draft 2020-12) are derived from Ping's OpenAPI documents; each file's `$comment`
//! names its source schema, line range and commit, and what was tightened and why. They are
//! embedded with `include_str!`, so validation needs no files and no network at run time: the
//! shared `links-hateoas.schema.json` is put in a `jsonschema` [`Registry`] under its `$id`, so
//! the relative `$ref: "links-hateoas.schema.json"` resolves offline. Each validator is compiled
//! once per process, on first use, in a [`LazyLock`].
//!
//! `format` is annotation-only in draft 2020-12; these validators assert it
//! (`should_validate_formats(true)`), so `"format": "uri"` rejects relative `href`s.

use std::sync::LazyLock;

use jsonschema::{Registry, Validator};
use serde_json::Value;

/// Base URI of the `$id`s of the files in `schemas/`.
const BASE_URI: &str = "https://pingone-mfa-conformance.invalid/schemas/";

const LINKS_HATEOAS_FILE: &str = "links-hateoas.schema.json";
const LINKS_HATEOAS: &str = include_str!("../schemas/links-hateoas.schema.json");
const USER_MFA_ENABLED: &str = include_str!("../schemas/user-mfa-enabled.schema.json");
const P1_ERROR: &str = include_str!("../schemas/p1-error.schema.json");
const USER: &str = include_str!("../schemas/user.schema.json");
const ENVIRONMENT: &str = include_str!("../schemas/environment.schema.json");

/// A response body schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Schema {
    /// `UserMFAEnabled`: body of GET/PUT `…/users/{userID}/mfaEnabled`.
    UserMfaEnabled,
    /// `P1Error`: body of every error response (with `id`, `code`, `message` required).
    P1Error,
    /// A subset of the management API's `User`, as returned by Create/Read User.
    User,
    /// A subset of the management API's `Environment`, as returned by Read Environment.
    Environment,
}

impl Schema {
    /// The schema's name in Ping's OpenAPI documents, e.g. `UserMFAEnabled`.
    pub fn name(self) -> &'static str {
        match self {
            Schema::UserMfaEnabled => "UserMFAEnabled",
            Schema::P1Error => "P1Error",
            Schema::User => "User",
            Schema::Environment => "Environment",
        }
    }

    /// Every schema, for iteration in tests and reports.
    pub const ALL: [Schema; 4] = [
        Schema::UserMfaEnabled,
        Schema::P1Error,
        Schema::User,
        Schema::Environment,
    ];

    fn source(self) -> &'static str {
        match self {
            Schema::UserMfaEnabled => USER_MFA_ENABLED,
            Schema::P1Error => P1_ERROR,
            Schema::User => USER,
            Schema::Environment => ENVIRONMENT,
        }
    }

    fn validator(self) -> &'static Validator {
        match self {
            Schema::UserMfaEnabled => &USER_MFA_ENABLED_VALIDATOR,
            Schema::P1Error => &P1_ERROR_VALIDATOR,
            Schema::User => &USER_VALIDATOR,
            Schema::Environment => &ENVIRONMENT_VALIDATOR,
        }
    }
}

/// The file name of `schema` in `schemas/`, e.g. `user-mfa-enabled.schema.json`.
#[must_use]
pub fn file_name(schema: Schema) -> &'static str {
    match schema {
        Schema::UserMfaEnabled => "user-mfa-enabled.schema.json",
        Schema::P1Error => "p1-error.schema.json",
        Schema::User => "user.schema.json",
        Schema::Environment => "environment.schema.json",
    }
}

/// Validates `instance` against `schema` and returns every violation as
/// `"<instance path>: <message>"` (the root's path is empty). An empty vector means valid.
#[must_use]
pub fn validate(schema: Schema, instance: &Value) -> Vec<String> {
    schema
        .validator()
        .iter_errors(instance)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

/// Where `instance` violates `schema`: the instance path and the schema keyword path of each
/// error, never the offending value (for answers that may hold personal data).
pub fn violation_paths(schema: Schema, instance: &Value) -> Vec<String> {
    schema
        .validator()
        .iter_errors(instance)
        .map(|error| {
            let at = error.instance_path().to_string();
            format!(
                "{} (schema {})",
                if at.is_empty() { "/" } else { at.as_str() },
                error.schema_path()
            )
        })
        .collect()
}

static USER_MFA_ENABLED_VALIDATOR: LazyLock<Validator> =
    LazyLock::new(|| compile(Schema::UserMfaEnabled));
static P1_ERROR_VALIDATOR: LazyLock<Validator> = LazyLock::new(|| compile(Schema::P1Error));
static USER_VALIDATOR: LazyLock<Validator> = LazyLock::new(|| compile(Schema::User));
static ENVIRONMENT_VALIDATOR: LazyLock<Validator> = LazyLock::new(|| compile(Schema::Environment));

/// Parses one embedded schema file.
///
/// # Panics
///
/// Panics if the file is not JSON. The files are compiled into the binary and covered by unit
/// tests, so this is a build defect, never a user input problem.
fn parse(file: &str, source: &str) -> Value {
    serde_json::from_str(source)
        .unwrap_or_else(|e| panic!("embedded schemas/{file} is not valid JSON: {e}"))
}

/// Compiles `schema` with the shared link schema in an offline registry.
///
/// # Panics
///
/// Panics if an embedded schema does not compile (a build defect; see [`parse`]).
fn compile(schema: Schema) -> Validator {
    let file = file_name(schema);
    let links_uri = format!("{BASE_URI}{LINKS_HATEOAS_FILE}");
    let registry = Registry::new()
        .add(&links_uri, parse(LINKS_HATEOAS_FILE, LINKS_HATEOAS))
        .and_then(|builder| builder.prepare())
        .unwrap_or_else(|e| panic!("schemas/{LINKS_HATEOAS_FILE} cannot be registered: {e}"));
    jsonschema::draft202012::options()
        .offline()
        .should_validate_formats(true)
        .with_registry(&registry)
        .build(&parse(file, schema.source()))
        .unwrap_or_else(|e| panic!("schemas/{file} does not compile: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The official example response of PUT …/mfaEnabled (docs/api-facts.md §1.3).
    fn documented_example() -> Value {
        json!({"_links":{"self":{"href":"https://api.pingone.com/v1/environments/abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6/users/05ad3cc6-8723-4f85-9711-05ad549717f6/mfaEnabled"},"user":{"href":"https://api.pingone.com/v1/environments/abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6/users/05ad3cc6-8723-4f85-9711-05ad549717f6"}},"mfaEnabled":true})
    }

    fn assert_invalid(schema: Schema, instance: &Value, expected_path: &str) -> Vec<String> {
        let errors = validate(schema, instance);
        assert!(!errors.is_empty(), "{schema:?} accepted {instance}");
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&format!("{expected_path}: "))),
            "no error at {expected_path:?}: {errors:#?}"
        );
        errors
    }

    fn all_files() -> Vec<(&'static str, &'static str)> {
        let mut files: Vec<_> = Schema::ALL
            .into_iter()
            .map(|s| (file_name(s), s.source()))
            .collect();
        files.push((LINKS_HATEOAS_FILE, LINKS_HATEOAS));
        files
    }

    #[test]
    fn every_schema_file_is_a_valid_draft_2020_12_schema() {
        for (file, source) in all_files() {
            let schema = parse(file, source);
            if let Err(e) = jsonschema::meta::validate(&schema) {
                panic!("schemas/{file} fails the meta-schema: {e}");
            }
            assert_eq!(
                schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "{file}"
            );
        }
    }

    #[test]
    fn every_schema_file_has_its_id_and_a_source_comment() {
        for (file, source) in all_files() {
            let schema = parse(file, source);
            assert_eq!(schema["$id"], format!("{BASE_URI}{file}"), "{file}");
            let comment = schema["$comment"].as_str().unwrap_or_default();
            assert!(
                comment.contains("4a884deb5b2812afdea4475d71e55913b36cf2a5"),
                "{file}: $comment must name the upstream commit"
            );
        }
    }

    #[test]
    fn every_schema_compiles() {
        for schema in Schema::ALL {
            let _ = schema.validator();
        }
    }

    #[test]
    fn documented_example_response_is_valid() {
        let errors = validate(Schema::UserMfaEnabled, &documented_example());
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn minimal_bodies_are_valid() {
        assert!(validate(Schema::UserMfaEnabled, &json!({"mfaEnabled": false})).is_empty());
        assert!(
            validate(
                Schema::UserMfaEnabled,
                &json!({"mfaEnabled": true, "id": "x", "_links": {}})
            )
            .is_empty(),
            "additional properties and empty _links are allowed"
        );
    }

    #[test]
    fn string_boolean_is_invalid() {
        let mut body = documented_example();
        body["mfaEnabled"] = json!("true");
        assert_invalid(Schema::UserMfaEnabled, &body, "/mfaEnabled");
    }

    #[test]
    fn missing_mfa_enabled_is_invalid() {
        let body = json!({"_links": documented_example()["_links"].clone()});
        let errors = assert_invalid(Schema::UserMfaEnabled, &body, "");
        assert!(errors[0].contains("mfaEnabled"), "{errors:#?}");
    }

    #[test]
    fn relative_href_is_invalid() {
        let mut body = documented_example();
        body["_links"]["self"]["href"] = json!(
            "/v1/environments/abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6/users/05ad3cc6-8723-4f85-9711-05ad549717f6/mfaEnabled"
        );
        assert_invalid(Schema::UserMfaEnabled, &body, "/_links/self/href");
    }

    #[test]
    fn link_without_href_is_invalid() {
        let mut body = documented_example();
        body["_links"]["self"] = json!({"title": "self"});
        assert_invalid(Schema::UserMfaEnabled, &body, "/_links/self");
        body["_links"]["self"] = json!("https://api.pingone.com/v1");
        assert_invalid(Schema::UserMfaEnabled, &body, "/_links/self");
    }

    #[test]
    fn every_violation_is_reported() {
        let body =
            json!({"mfaEnabled": "yes", "_links": {"self": {}, "user": {"href": "relative"}}});
        let errors = validate(Schema::UserMfaEnabled, &body);
        assert_eq!(errors.len(), 3, "{errors:#?}");
    }

    #[test]
    fn documented_error_bodies_are_valid() {
        let examples = [
            json!({"id":"6c796712-0f16-4062-815a-e0a92f4a2143","code":"INVALID_DATA","message":"The request could not be completed. One or more validation errors were in the request."}),
            json!({"id":"6e5abbdd-1079-40fe-8a72-06c246e37bd4","code":"INVALID_REQUEST","message":"The request could not be completed. The request was malformed or invalid.","details":[{"code":"INVALID_VALUE","target":"controls","message":"Invalid value for attribute."}]}),
            json!({"id":"x","code":"INVALID_DATA","message":"m","details":[{"code":"OUT_OF_RANGE","innerError":{"rangeMinimumValue":1,"rangeMaximumValue":5}}]}),
        ];
        for body in examples {
            let errors = validate(Schema::P1Error, &body);
            assert!(errors.is_empty(), "{body}: {errors:#?}");
        }
    }

    #[test]
    fn error_without_code_is_invalid() {
        let body = json!({"id":"6c796712-0f16-4062-815a-e0a92f4a2143","message":"m"});
        let errors = assert_invalid(Schema::P1Error, &body, "");
        assert!(errors[0].contains("code"), "{errors:#?}");
        assert_invalid(Schema::P1Error, &json!({"code": "X", "message": "m"}), "");
        assert_invalid(Schema::P1Error, &json!({"id": "i", "code": "X"}), "");
    }

    #[test]
    fn error_with_malformed_details_is_invalid() {
        let body = json!({"id":"i","code":"INVALID_DATA","message":"m","details":[{"code":7,"innerError":"x"}]});
        assert_invalid(Schema::P1Error, &body, "/details/0/code");
        assert_invalid(Schema::P1Error, &body, "/details/0/innerError");
        let body = json!({"id":"i","code":"INVALID_DATA","message":"m","details":{"code":"X"}});
        assert_invalid(Schema::P1Error, &body, "/details");
    }

    #[test]
    fn users_are_checked() {
        let user = json!({"id":"05ad3cc6-8723-4f85-9711-05ad549717f6","username":"alice","mfaEnabled":false,"enabled":true,"environment":{"id":"abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6"},"population":{"id":"34f0efac-21d9-4a17-8a35-196bb3362983"},"lifecycle":{"status":"ACCOUNT_OK"}});
        assert!(validate(Schema::User, &user).is_empty());
        let mut without_mfa = user.clone();
        if let Some(map) = without_mfa.as_object_mut() {
            map.remove("mfaEnabled");
        }
        assert_invalid(Schema::User, &without_mfa, "");
        let mut bad = user.clone();
        bad["population"] = json!({});
        bad["environment"]["id"] = json!(1);
        assert_invalid(Schema::User, &bad, "/population");
        assert_invalid(Schema::User, &bad, "/environment/id");
        assert_invalid(Schema::User, &json!({"mfaEnabled": true}), "");
    }

    #[test]
    fn environments_are_checked() {
        let sandbox = json!({"id":"abfba8f6-49eb-49f5-a5d9-80ad5c98f9f6","name":"New-Env","type":"SANDBOX","region":"EU","license":{"id":"34f0efac-21d9-4a17-8a35-196bb3362983"}});
        assert!(validate(Schema::Environment, &sandbox).is_empty());
        assert!(validate(Schema::Environment, &json!({"type": "PRODUCTION"})).is_empty());
        let mut dev = sandbox.clone();
        dev["type"] = json!("DEV");
        assert_invalid(Schema::Environment, &dev, "/type");
        assert_invalid(Schema::Environment, &json!({"name": "no type"}), "");
    }

    #[test]
    fn file_names_match_the_embedded_files() {
        for schema in Schema::ALL {
            let file = file_name(schema);
            let id = parse(file, schema.source())["$id"].clone();
            assert_eq!(id, format!("{BASE_URI}{file}"), "{schema:?}");
        }
    }
}
