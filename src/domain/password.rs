//! The password policy (ASVS level 2): at least 8 characters, at most 128, and
//! not one of the passwords attackers try first.

const COMMON: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "password",
    "password1",
    "password123",
    "qwertyui",
    "qwerty123",
    "11111111",
    "88888888",
    "66666666",
    "00000000",
    "12341234",
    "abc12345",
    "abcd1234",
    "a1234567",
    "iloveyou",
    "1qaz2wsx",
    "qwe12345",
    "woaini1314",
    "5201314520",
    "aa123456",
    "admin123",
    "admin888",
    "zxcvbnm1",
    "147258369",
    "987654321",
    "11223344",
    "xinyidai",
    "xinyidai123",
    "changeme",
    "welcome1",
    "p@ssw0rd",
    "passw0rd",
    "asdfghjk",
];

/// Checks a new password; the error is shown beside the field.
pub fn check(password: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < 8 {
        return Err("密码至少 8 位");
    }
    if length > 128 {
        return Err("密码最多 128 位");
    }
    if COMMON.contains(&password.to_lowercase().as_str()) {
        return Err("该密码过于常见，容易被猜中，请换一个");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn policy() {
        assert!(check("short").is_err());
        assert!(check("Password123").is_err());
        assert!(check("12345678").is_err());
        assert!(check(&"长".repeat(64)).is_ok());
        assert!(check("云海晨光2026!").is_ok());
        assert!(check(&"x".repeat(129)).is_err());
    }
}
