//! Firewall configuration readers.
