//! `tonghop token create --login LOGIN [--name TEXT]`: an API token, printed once.

use crate::{
    db::{api_tokens, audit, users, Db},
    error::{AppError, AppResult},
};

pub fn create(db: &Db, login: &str, name: &str) -> AppResult<()> {
    let mut conn = db.get()?;
    let user = users::find_by_login(&mut conn, login.trim())?
        .ok_or_else(|| AppError::NotFound(format!("tài khoản \"{}\"", login.trim())))?;
    let created = api_tokens::create(&mut conn, user.id, name)?;
    audit::record(
        &mut conn,
        &audit::Actor::system("cli"),
        "api_token.create",
        "api_token",
        Some(created.id.to_string()),
        Some(format!("{} ({})", user.login, name.trim())),
    )?;
    eprintln!(
        "Đã cấp mã truy cập API số {} cho tài khoản {}. Mã chỉ hiện một lần; hãy lưu lại ngay:",
        created.id, user.login
    );
    println!("{}", created.token);
    Ok(())
}
