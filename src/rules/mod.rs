//! The knowledge base: SDK signatures, permissions, sensitive APIs, data types, from `rules/`
//! (embedded at build time; `--rules DIR` replaces them).

/// Whether a permission is dangerous (a runtime permission), from the permission rules.
pub fn is_dangerous(name: &str) -> bool {
    // Placeholder until rules/permissions.toml lands: the platform's dangerous permissions.
    const DANGEROUS: &[&str] = &[
        "READ_CALENDAR", "WRITE_CALENDAR", "CAMERA", "READ_CONTACTS", "WRITE_CONTACTS",
        "GET_ACCOUNTS", "ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION",
        "ACCESS_BACKGROUND_LOCATION", "RECORD_AUDIO", "READ_PHONE_STATE", "READ_PHONE_NUMBERS",
        "CALL_PHONE", "READ_CALL_LOG", "WRITE_CALL_LOG", "ADD_VOICEMAIL", "USE_SIP",
        "PROCESS_OUTGOING_CALLS", "BODY_SENSORS", "SEND_SMS", "RECEIVE_SMS", "READ_SMS",
        "RECEIVE_WAP_PUSH", "RECEIVE_MMS", "READ_EXTERNAL_STORAGE", "WRITE_EXTERNAL_STORAGE",
        "ACCESS_MEDIA_LOCATION", "ACTIVITY_RECOGNITION", "ANSWER_PHONE_CALLS",
        "BLUETOOTH_SCAN", "BLUETOOTH_CONNECT", "BLUETOOTH_ADVERTISE", "NEARBY_WIFI_DEVICES",
        "POST_NOTIFICATIONS", "READ_MEDIA_IMAGES", "READ_MEDIA_VIDEO", "READ_MEDIA_AUDIO",
        "UWB_RANGING", "BODY_SENSORS_BACKGROUND", "READ_MEDIA_VISUAL_USER_SELECTED",
    ];
    name.strip_prefix("android.permission.")
        .is_some_and(|short| DANGEROUS.contains(&short))
}
