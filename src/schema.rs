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
        department -> Nullable<Text>,
        as_of -> Nullable<Date>,
        batch_id -> Nullable<BigInt>,
        contact_email -> Nullable<Text>,
        contact_mobile -> Nullable<Text>,
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
        email_verified_at -> Nullable<Timestamp>,
        control_proven_at -> Nullable<Timestamp>,
        control_proof -> Nullable<Text>,
        unbound_at -> Nullable<Timestamp>,
        contact_person -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        phone -> Nullable<Text>,
        terms_version -> Nullable<Text>,
        terms_accepted_at -> Nullable<Timestamp>,
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
        retry_until -> Nullable<Timestamp>,
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

diesel::table! {
    server_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    import_batches (id) {
        id -> BigInt,
        kind -> Text,
        department -> Text,
        as_of -> Date,
        file_name -> Text,
        file_bytes -> BigInt,
        uploaded_by -> Nullable<BigInt>,
        status -> Text,
        bytes_done -> BigInt,
        rows_total -> BigInt,
        rows_changed -> BigInt,
        rows_unchanged -> BigInt,
        rows_rejected -> BigInt,
        error -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        lease_until -> Nullable<Timestamp>,
        recomputed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    import_chunks (batch_id, seq) {
        batch_id -> BigInt,
        seq -> Integer,
        data -> Binary,
    }
}

diesel::table! {
    import_errors (id) {
        id -> BigInt,
        batch_id -> BigInt,
        row_no -> BigInt,
        field -> Text,
        value -> Text,
        reason -> Text,
    }
}

diesel::table! {
    tax_records (id) {
        id -> BigInt,
        uscc -> Text,
        year -> Integer,
        tax_grade -> Text,
        tax_paid_fen -> BigInt,
        revenue_fen -> BigInt,
        department -> Text,
        as_of -> Date,
        batch_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    utility_records (id) {
        id -> BigInt,
        uscc -> Text,
        month -> Date,
        utility -> Text,
        usage_centi -> BigInt,
        billed_fen -> BigInt,
        arrears_fen -> BigInt,
        department -> Text,
        as_of -> Date,
        batch_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    property_records (id) {
        id -> BigInt,
        certificate_no -> Text,
        uscc -> Text,
        kind -> Text,
        area_centi -> BigInt,
        assessed_value_fen -> BigInt,
        mortgaged -> Bool,
        department -> Text,
        as_of -> Date,
        batch_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    social_security_records (id) {
        id -> BigInt,
        uscc -> Text,
        month -> Date,
        insured -> Integer,
        arrears_fen -> BigInt,
        department -> Text,
        as_of -> Date,
        batch_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    penalty_records (id) {
        id -> BigInt,
        authority -> Text,
        case_no -> Text,
        uscc -> Text,
        decided_on -> Date,
        kind -> Text,
        amount_fen -> BigInt,
        status -> Text,
        ended_on -> Nullable<Date>,
        department -> Text,
        as_of -> Date,
        batch_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    honour_records (id) {
        id -> BigInt,
        uscc -> Text,
        honour -> Text,
        awarded_on -> Date,
        issuer -> Text,
        expires_on -> Nullable<Date>,
        department -> Text,
        as_of -> Date,
        batch_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    credit_evaluations (uscc) {
        uscc -> Text,
        model_version -> Text,
        score -> Integer,
        grade -> Text,
        risk_level -> Text,
        dishonest -> Bool,
        factors -> Text,
        computed_at -> Timestamp,
        whitelisted -> Bool,
    }
}

diesel::table! {
    authorizations (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        institution_id -> BigInt,
        purpose -> Text,
        granted_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    portrait_views (id) {
        id -> BigInt,
        at -> Timestamp,
        enterprise_id -> BigInt,
        viewer_id -> BigInt,
        viewer_role -> Text,
        institution_id -> Nullable<BigInt>,
        authorization_id -> Nullable<BigInt>,
        purpose -> Text,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    disputes (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        record_kind -> Text,
        record_id -> BigInt,
        record_summary -> Text,
        reason -> Text,
        status -> Text,
        answer -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
        due_at -> Timestamp,
        answered_by -> Nullable<BigInt>,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    whitelist_rule (id) {
        id -> BigInt,
        min_grade -> Text,
        no_active_penalty -> Bool,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    whitelist_changes (id) {
        id -> BigInt,
        uscc -> Text,
        action -> Text,
        reason -> Text,
        changed_by -> BigInt,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        institution_id -> BigInt,
        name -> Text,
        description -> Text,
        amount_min_fen -> BigInt,
        amount_max_fen -> BigInt,
        term_min_months -> Integer,
        term_max_months -> Integer,
        rate_min -> BigInt,
        rate_max -> BigInt,
        guarantees -> Text,
        regions -> Text,
        industries -> Text,
        programmes -> Text,
        min_grade -> Nullable<Text>,
        min_tax_grade -> Nullable<Text>,
        min_years -> Integer,
        status -> Text,
        applications -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        repayment_methods -> Text,
    }
}

diesel::table! {
    product_history (id) {
        id -> BigInt,
        product_id -> BigInt,
        action -> Text,
        snapshot -> Text,
        changed_by -> Nullable<BigInt>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> BigInt,
        officer_id -> BigInt,
        name -> Text,
        amount_min_fen -> Nullable<BigInt>,
        amount_max_fen -> Nullable<BigInt>,
        region -> Nullable<Text>,
        industry -> Nullable<Text>,
        min_grade -> Nullable<Text>,
        created_at -> Timestamp,
        last_digest_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    needs (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        amount_fen -> BigInt,
        term_months -> Integer,
        purpose -> Text,
        guarantee -> Text,
        max_rate -> BigInt,
        window_hours -> Integer,
        slots -> Integer,
        slots_taken -> Integer,
        product_id -> Nullable<BigInt>,
        institution_id -> Nullable<BigInt>,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        deadline -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        accepted_offer_id -> Nullable<BigInt>,
        overdue -> Bool,
        republished_from -> Nullable<BigInt>,
    }
}

diesel::table! {
    offers (id) {
        id -> BigInt,
        need_id -> BigInt,
        institution_id -> BigInt,
        officer_id -> BigInt,
        amount_fen -> BigInt,
        rate -> BigInt,
        term_months -> Integer,
        guarantee -> Text,
        conditions -> Text,
        valid_until -> Timestamp,
        status -> Text,
        contact_due -> Timestamp,
        contacted_at -> Nullable<Timestamp>,
        decision -> Nullable<Text>,
        decision_due -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        approved_amount_fen -> Nullable<BigInt>,
        approved_rate -> Nullable<BigInt>,
        approved_term_months -> Nullable<Integer>,
        decline_reason -> Nullable<Text>,
        decision_note -> Nullable<Text>,
        created_at -> Timestamp,
        approved_on -> Nullable<Date>,
        repayment_method -> Text,
        accepted_at -> Nullable<Timestamp>,
        contact_method -> Nullable<Text>,
        contact_recorded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    holidays (day) {
        day -> Date,
        name -> Text,
        workday -> Bool,
        source -> Text,
    }
}

diesel::table! {
    holiday_years (year) {
        year -> Integer,
        source -> Text,
        loaded_at -> Timestamp,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    email_verifications (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    claim_codes (id) {
        id -> BigInt,
        user_id -> BigInt,
        code_hash -> Text,
        sent_to -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        attempts -> Integer,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    claim_letters (id) {
        id -> BigInt,
        user_id -> BigInt,
        enterprise_id -> BigInt,
        file_name -> Text,
        content_type -> Text,
        data -> Binary,
        status -> Text,
        uploaded_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        user_id -> BigInt,
        subject -> Text,
        body -> Text,
        link -> Nullable<Text>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    loans (id) {
        id -> BigInt,
        offer_id -> BigInt,
        institution_id -> BigInt,
        enterprise_id -> BigInt,
        officer_id -> BigInt,
        branch_id -> Nullable<BigInt>,
        contract_no -> Text,
        line_fen -> BigInt,
        rate -> BigInt,
        term_months -> Integer,
        signed_on -> Date,
        maturity -> Date,
        repayment_method -> Text,
        guarantees -> Text,
        credit_only -> Bool,
        first_loan -> Bool,
        renewal -> Bool,
        renews_loan_id -> Nullable<BigInt>,
        status -> Text,
        status_on -> Date,
        classification -> Text,
        drawn_fen -> BigInt,
        outstanding_fen -> BigInt,
        version -> Integer,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    drawdowns (id) {
        id -> BigInt,
        loan_id -> BigInt,
        iou_no -> Text,
        amount_fen -> BigInt,
        value_date -> Date,
        term_months -> Integer,
        maturity -> Date,
        outstanding_fen -> BigInt,
        receipt -> Text,
        receipt_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    instalments (drawdown_id, number) {
        drawdown_id -> BigInt,
        number -> Integer,
        loan_id -> BigInt,
        due_on -> Date,
        principal_fen -> BigInt,
        interest_fen -> BigInt,
        paid_principal_fen -> BigInt,
        paid_interest_fen -> BigInt,
        paid_on -> Nullable<Date>,
        overdue_on -> Nullable<Date>,
    }
}

diesel::table! {
    repayments (id) {
        id -> BigInt,
        loan_id -> BigInt,
        drawdown_id -> BigInt,
        paid_on -> Date,
        principal_fen -> BigInt,
        interest_fen -> BigInt,
        penalty_fen -> BigInt,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    loan_events (id) {
        id -> BigInt,
        loan_id -> BigInt,
        kind -> Text,
        happened_on -> Date,
        recorded_at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        field -> Nullable<Text>,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        reason -> Nullable<Text>,
        drawdown_id -> Nullable<BigInt>,
        repayment_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    stat_snapshots (key) {
        key -> Text,
        watermark -> BigInt,
        computed_at -> Timestamp,
        body -> Text,
    }
}

diesel::table! {
    bulletins (id) {
        id -> BigInt,
        period -> Text,
        title -> Text,
        commentary -> Text,
        status -> Text,
        figures -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        published_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    bulletin_subscribers (id) {
        id -> BigInt,
        email -> Text,
        confirm_token_hash -> Text,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        unsubscribed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(enterprises -> regions (region));
diesel::joinable!(claim_letters -> enterprises (enterprise_id));
diesel::joinable!(branches -> institutions (institution_id));
diesel::joinable!(users -> enterprises (enterprise_id));
diesel::joinable!(users -> institutions (institution_id));
diesel::joinable!(users -> branches (branch_id));
diesel::joinable!(sessions -> users (user_id));

diesel::table! {
    reminders (object, kind) {
        object -> Text,
        kind -> Text,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    funds (id) {
        id -> BigInt,
        name -> Text,
        mode -> Text,
        annual_budget_fen -> BigInt,
        valid_from -> Date,
        valid_to -> Date,
        rule_version -> Integer,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    fund_rules (id) {
        id -> BigInt,
        fund_id -> BigInt,
        version -> Integer,
        rules -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    fund_registrations (id) {
        id -> BigInt,
        fund_id -> BigInt,
        rule_id -> BigInt,
        drawdown_id -> BigInt,
        loan_id -> BigInt,
        institution_id -> BigInt,
        principal_fen -> BigInt,
        ratio_bp -> Integer,
        tags -> Text,
        registered_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    fund_claims (id) {
        id -> BigInt,
        fund_id -> BigInt,
        institution_id -> BigInt,
        status -> Text,
        loss_fen -> BigInt,
        payout_fen -> BigInt,
        approved_fen -> Nullable<BigInt>,
        budget_year -> Nullable<Integer>,
        reason -> Nullable<Text>,
        recovered_fen -> BigInt,
        refunded_fen -> BigInt,
        version -> Integer,
        submitted_by -> BigInt,
        submitted_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        paid_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    fund_claim_items (id) {
        id -> BigInt,
        claim_id -> BigInt,
        registration_id -> BigInt,
        drawdown_id -> BigInt,
        loss_fen -> BigInt,
        ratio_bp -> Integer,
        payout_fen -> BigInt,
        live -> Bool,
    }
}

diesel::table! {
    fund_claim_files (id) {
        id -> BigInt,
        claim_id -> BigInt,
        kind -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_by -> BigInt,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    fund_claim_events (id) {
        id -> BigInt,
        claim_id -> BigInt,
        status -> Text,
        reason -> Nullable<Text>,
        amount_fen -> Nullable<BigInt>,
        actor_id -> BigInt,
        at -> Timestamp,
    }
}

diesel::table! {
    fund_budgets (fund_id, year) {
        fund_id -> BigInt,
        year -> Integer,
        budget_fen -> BigInt,
        used_fen -> BigInt,
    }
}

diesel::table! {
    fund_recoveries (id) {
        id -> BigInt,
        claim_id -> BigInt,
        amount_fen -> BigInt,
        refund_fen -> BigInt,
        recovered_on -> Date,
        recorded_by -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    subsidy_programmes (id) {
        id -> BigInt,
        name -> Text,
        rules -> Text,
        valid_from -> Date,
        valid_to -> Date,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    subsidy_batches (id) {
        id -> BigInt,
        programme_id -> BigInt,
        quarter -> Text,
        status -> Text,
        total_fen -> BigInt,
        computed_by -> BigInt,
        computed_at -> Timestamp,
        approved_by -> Nullable<BigInt>,
        approved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    subsidy_lines (id) {
        id -> BigInt,
        batch_id -> BigInt,
        loan_id -> BigInt,
        enterprise_id -> BigInt,
        institution_id -> BigInt,
        interest_fen -> BigInt,
        rate -> BigInt,
        subsidy_fen -> BigInt,
        capped -> Bool,
    }
}

diesel::table! {
    api_clients (id) {
        id -> BigInt,
        institution_id -> BigInt,
        client_id -> Text,
        secret_hash -> Text,
        name -> Text,
        scopes -> Text,
        allowed_ips -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        api_client_id -> BigInt,
        token_sha256 -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    api_clients,
    api_tokens,
    loans,
    drawdowns,
    instalments,
    repayments,
    loan_events,
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
    import_batches,
    import_chunks,
    import_errors,
    tax_records,
    utility_records,
    property_records,
    social_security_records,
    penalty_records,
    honour_records,
    credit_evaluations,
    authorizations,
    portrait_views,
    disputes,
    whitelist_rule,
    whitelist_changes,
    products,
    product_history,
    subscriptions,
    needs,
    offers,
    holidays,
    holiday_years,
    reminders,
    settings,
    email_verifications,
    claim_codes,
    claim_letters,
    password_resets,
    messages,
    stat_snapshots,
    bulletins,
    bulletin_subscribers,
    funds,
    fund_rules,
    fund_registrations,
    fund_claims,
    fund_claim_items,
    fund_claim_files,
    fund_claim_events,
    fund_budgets,
    fund_recoveries,
    subsidy_programmes,
    subsidy_batches,
    subsidy_lines,
);
diesel::joinable!(claim_letters -> users (user_id));
diesel::joinable!(offers -> needs (need_id));
diesel::joinable!(offers -> institutions (institution_id));
diesel::joinable!(products -> institutions (institution_id));
diesel::joinable!(product_history -> products (product_id));
diesel::joinable!(needs -> enterprises (enterprise_id));
diesel::joinable!(needs -> products (product_id));
diesel::joinable!(authorizations -> institutions (institution_id));
diesel::joinable!(portrait_views -> institutions (institution_id));
diesel::joinable!(portrait_views -> users (viewer_id));
diesel::joinable!(disputes -> enterprises (enterprise_id));
diesel::joinable!(authorizations -> enterprises (enterprise_id));
diesel::joinable!(loans -> enterprises (enterprise_id));
diesel::joinable!(loans -> institutions (institution_id));
diesel::joinable!(loans -> offers (offer_id));
diesel::joinable!(loans -> branches (branch_id));
diesel::joinable!(drawdowns -> loans (loan_id));
diesel::joinable!(instalments -> drawdowns (drawdown_id));
diesel::joinable!(repayments -> drawdowns (drawdown_id));
diesel::joinable!(loan_events -> loans (loan_id));
diesel::joinable!(loans -> users (officer_id));
diesel::joinable!(fund_rules -> funds (fund_id));
diesel::joinable!(fund_registrations -> funds (fund_id));
diesel::joinable!(fund_registrations -> fund_rules (rule_id));
diesel::joinable!(fund_registrations -> drawdowns (drawdown_id));
diesel::joinable!(fund_registrations -> loans (loan_id));
diesel::joinable!(fund_registrations -> institutions (institution_id));
diesel::joinable!(fund_claims -> funds (fund_id));
diesel::joinable!(fund_claims -> institutions (institution_id));
diesel::joinable!(fund_claim_items -> fund_claims (claim_id));
diesel::joinable!(fund_claim_items -> fund_registrations (registration_id));
diesel::joinable!(fund_claim_files -> fund_claims (claim_id));
diesel::joinable!(fund_claim_events -> fund_claims (claim_id));
diesel::joinable!(fund_recoveries -> fund_claims (claim_id));
diesel::joinable!(fund_budgets -> funds (fund_id));
diesel::joinable!(subsidy_batches -> subsidy_programmes (programme_id));
diesel::joinable!(subsidy_lines -> subsidy_batches (batch_id));
diesel::joinable!(subsidy_lines -> loans (loan_id));
diesel::joinable!(api_tokens -> api_clients (api_client_id));
diesel::joinable!(api_clients -> institutions (institution_id));
