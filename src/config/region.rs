//! Regions and their hosts, and the token endpoint's authentication methods.

/// A PingOne region (docs/api-facts.md §4 "Regions and hosts").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// North America (excluding Canada), `com`. The default, as in Ping's Postman environment.
    #[default]
    NA,
    /// European Union, `eu`.
    EU,
    /// Asia-Pacific, `asia`.
    AP,
    /// Canada, `ca`.
    CA,
    /// Australia, `com.au`.
    AU,
    /// Singapore, `sg`.
    SG,
}

impl Region {
    /// All regions, in the order of the `PINGONE_REGION_CODE` documentation.
    pub const ALL: [Region; 6] = [
        Region::NA,
        Region::EU,
        Region::AP,
        Region::CA,
        Region::AU,
        Region::SG,
    ];

    /// Parses a region code such as `EU` or `eu`.
    #[must_use]
    pub fn parse(code: &str) -> Option<Region> {
        let code = code.trim();
        Region::ALL
            .into_iter()
            .find(|region| region.code().eq_ignore_ascii_case(code))
    }

    /// The region whose hosts end in this top-level domain (`eu`, `com.au`; a leading
    /// `pingone.` or `.` is allowed), as the Go SDK's `PINGONE_TOP_LEVEL_DOMAIN` names it.
    #[must_use]
    pub fn from_tld(tld: &str) -> Option<Region> {
        let tld = tld.trim().trim_start_matches('.');
        let tld = tld.strip_prefix("pingone.").unwrap_or(tld);
        Region::ALL
            .into_iter()
            .find(|region| region.tld().eq_ignore_ascii_case(tld))
    }

    /// The region by the long name of Ping's older tools' deprecated `PINGONE_REGION`
    /// (docs/api-facts.md §6), e.g. `Europe` or `Australia-AsiaPacific`.
    #[must_use]
    pub fn from_long_name(name: &str) -> Option<Region> {
        Region::ALL
            .into_iter()
            .find(|region| region.long_name().eq_ignore_ascii_case(name.trim()))
    }

    /// The long name of Ping's older tools, e.g. `NorthAmerica`.
    #[must_use]
    pub fn long_name(&self) -> &'static str {
        match self {
            Region::NA => "NorthAmerica",
            Region::EU => "Europe",
            Region::AP => "AsiaPacific",
            Region::CA => "Canada",
            Region::AU => "Australia-AsiaPacific",
            Region::SG => "Singapore",
        }
    }

    /// The region code, as in `PINGONE_REGION_CODE` and the management API's `EnumRegionCode`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Region::NA => "NA",
            Region::EU => "EU",
            Region::AP => "AP",
            Region::CA => "CA",
            Region::AU => "AU",
            Region::SG => "SG",
        }
    }

    /// The top-level domain of the region's hosts.
    #[must_use]
    pub fn tld(&self) -> &'static str {
        match self {
            Region::NA => "com",
            Region::EU => "eu",
            Region::AP => "asia",
            Region::CA => "ca",
            Region::AU => "com.au",
            Region::SG => "sg",
        }
    }

    /// The API base URL, `https://api.pingone.{tld}/v1`.
    #[must_use]
    pub fn api_url(&self) -> String {
        format!("https://api.pingone.{}/v1", self.tld())
    }

    /// The auth base URL, `https://auth.pingone.{tld}`.
    #[must_use]
    pub fn auth_url(&self) -> String {
        format!("https://auth.pingone.{}", self.tld())
    }
}

/// How the worker app authenticates at the token endpoint (docs/api-facts.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TokenAuthMethod {
    /// `CLIENT_SECRET_BASIC`: `Authorization: Basic base64(client_id:client_secret)`.
    #[default]
    Basic,
    /// `CLIENT_SECRET_POST`: `client_id` and `client_secret` as form fields.
    Post,
}

impl TokenAuthMethod {
    /// Parses `basic`, `post`, `client_secret_basic` or `client_secret_post`, ignoring case.
    #[must_use]
    pub fn parse(value: &str) -> Option<TokenAuthMethod> {
        match value.trim().to_ascii_lowercase().as_str() {
            "basic" | "client_secret_basic" => Some(TokenAuthMethod::Basic),
            "post" | "client_secret_post" => Some(TokenAuthMethod::Post),
            _ => None,
        }
    }
}
