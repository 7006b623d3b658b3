//! Sign-in throttling: after too many failures in a window, further attempts for the same
//! login or from the same address are refused without checking the password (so a guesser
//! learns nothing and argon2 is not run for them). Pure decision; the counts come from
//! [`crate::db::sessions::failures_since`].

/// The window over which failures count.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures of one login within the window before it is locked.
pub const MAX_PER_LOGIN: i64 = 5;
/// Failures from one address (any login) within the window before it is locked; higher,
/// because a commune office may share one address.
pub const MAX_PER_ADDRESS: i64 = 20;

/// None when the attempt may go ahead, or the message to show.
pub fn refusal(failures_for_login: i64, failures_from_address: i64) -> Option<String> {
    (failures_for_login >= MAX_PER_LOGIN || failures_from_address >= MAX_PER_ADDRESS).then(|| {
        format!(
            "Đăng nhập sai quá nhiều lần. Vui lòng đợi {WINDOW_MINUTES} phút rồi thử lại, hoặc nhờ quản trị viên đặt lại mật khẩu."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_limits() {
        assert!(refusal(0, 0).is_none());
        assert!(refusal(MAX_PER_LOGIN - 1, MAX_PER_ADDRESS - 1).is_none());
        assert!(refusal(MAX_PER_LOGIN, 0).is_some());
        assert!(refusal(0, MAX_PER_ADDRESS).is_some());
    }
}
