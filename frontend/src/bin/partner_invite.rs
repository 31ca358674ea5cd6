//! The partner portal's Invite School wizard (`partner-invite.html`).

fn main() {
    gatehouse_frontend::start(gatehouse_frontend::app::PartnerInviteApp);
}
