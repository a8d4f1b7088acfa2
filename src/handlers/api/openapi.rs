//! The OpenAPI 3.1 document of the bank API, generated from the handlers'
//! annotations and the request and response types (utoipa), served at
//! `/api/v1/openapi.json`; the tests validate every answer against it.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::hall::{HallNeed, HallPage};
use super::problem::{FieldError, ProblemBody};
use super::token::{TokenRequest, TokenResponse};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "信易贷 机构接口",
        version = "1",
        description = "银行等金融机构的系统对接接口。用机构管理员在“系统对接”页面创建的客户端编号和密钥获取访问令牌，再以 Bearer 令牌调用各项操作。错误以 application/problem+json（RFC 9457）返回，code 为稳定的机器代码。"
    ),
    paths(super::token::token, super::hall::hall),
    components(schemas(TokenRequest, TokenResponse, HallPage, HallNeed, ProblemBody, FieldError)),
    modifiers(&BearerScheme),
    tags((name = "认证", description = "客户端凭据与访问令牌"), (name = "抢单大厅", description = "开放的融资需求"))
)]
pub struct ApiDoc;

/// The bearer token scheme the operations name in `security`.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        }
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
