fn main() -> std::process::ExitCode {
    tonghop::cli::main()
}
