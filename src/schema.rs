//! Portable table definitions shared by the SQLite and PostgreSQL backends.
//! Only types that work on both through diesel's MultiConnection are used.

diesel::table! {
    regions (code) {
        code -> Text,
        name -> Text,
    }
}

diesel::table! {
    enterprises (id) {
        id -> BigInt,
        uscc -> Text,
        name -> Text,
        legal_representative -> Text,
        registered_capital_fen -> BigInt,
        established_on -> Date,
        region -> Text,
        industry -> Text,
        size_class -> Text,
        address -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    institutions (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        uscc -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    branches (id) {
        id -> BigInt,
        institution_id -> BigInt,
        name -> Text,
        region -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        enterprise_id -> Nullable<BigInt>,
        institution_id -> Nullable<BigInt>,
        branch_id -> Nullable<BigInt>,
        must_change_password -> Bool,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        disabled -> Bool,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Nullable<BigInt>,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    invitations (id) {
        id -> BigInt,
        token_hash -> Text,
        email -> Text,
        role -> Text,
        institution_id -> BigInt,
        branch_id -> Nullable<BigInt>,
        invited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        max_attempts -> Integer,
        locked_until -> Nullable<Timestamp>,
        locked_by -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        failed -> Bool,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        user_id -> Nullable<BigInt>,
        role -> Nullable<Text>,
        institution_id -> Nullable<BigInt>,
        ip -> Nullable<Text>,
        event -> Text,
        object -> Nullable<Text>,
        outcome -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    rate_limits (key, window_start) {
        key -> Text,
        window_start -> Timestamp,
        hits -> Integer,
    }
}

diesel::joinable!(enterprises -> regions (region));
diesel::joinable!(branches -> institutions (institution_id));
diesel::joinable!(users -> enterprises (enterprise_id));
diesel::joinable!(users -> institutions (institution_id));
diesel::joinable!(users -> branches (branch_id));
diesel::joinable!(sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    regions,
    enterprises,
    institutions,
    branches,
    users,
    sessions,
    invitations,
    jobs,
    audit_log,
    rate_limits,
);
