//! `GET /v1/environments/{envID}` (§5): Read Environment.

use axum::http::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use crate::mock::answers::P1Code;
use crate::mock::server::{Answer, Ctx};

impl Ctx<'_> {
    /// The mock's one environment; an unknown environment answers 404 (§3).
    pub(crate) fn environment(&self, method: &Method, env: &str) -> Answer {
        let id = Uuid::parse_str(env).map_err(|_| self.non_uuid())?;
        if *method != Method::GET {
            return Err(self.method_not_allowed("GET"));
        }
        if id != self.env_id() {
            return Err(self.error(
                StatusCode::NOT_FOUND,
                P1Code::NotFound,
                &format!("Unable to find environment with ID: '{id}'"),
                vec![],
            ));
        }
        let o = &self.s.options;
        Ok(self.json(
            StatusCode::OK,
            &json!({
                "_links": {"self": {"href": self.href(&format!("/environments/{id}"))}},
                "id": id,
                "name": "Mock PingOne",
                "description": "pingone-mfa-conformance mock environment",
                "type": o.environment_type.as_str(),
                "region": o.region,
                "license": {"id": Uuid::from_u128(u128::from_be_bytes(*id.as_bytes()) ^ 1)},
            }),
        ))
    }
}
