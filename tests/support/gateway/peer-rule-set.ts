// A rule set whose rules read the peer features and fire on the tests'
// cohorts (the default rule set's far-above-cohort needs a home five times
// its neighbours, on a daytime shape), for the gateway's cohort tests.
export const PEER_RULE_SET = `id: peers
version: "1"
thresholds: { yellow: 40, red: 70 }
min_valid_share: 0.5
rules:
  - id: above-peers
    when: peer_ratio > 3 and peer_corr < 0.5
    score: 70
    reason: Far above its peers, with another daily shape
  - id: big-cohort
    when: peer_count >= 40
    score: 10
    reason: Many peers
`;
