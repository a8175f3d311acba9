"""Words film news uses for films, shared by the rules that find titles and the rules that read credits."""
from __future__ import annotations

# What a film is called when it is not named: "the 2015 classic X", "her previous feature, X",
# "the Sunil Varadarajan comedy". Title discovery trusts these before a capitalised run.
GENRE_NOUN = (
    r"(?:film|movie|picture|feature|debut|drama|comedy|thriller|western|noir|epic|mystery|fantasy|romance|musical|"
    r"horror|documentary|biopic|satire|saga|adaptation|remake|reboot|sequel|prequel|blockbuster|hit|smash|classic|"
    r"favou?rite|breakout|outing|effort|follow-up|piece|short|indie|caper|melodrama|actioner|opus|project)"
)
# Credits also speak of a film as a work among others ("his 2011 release", "the studio's latest entry").
WORK_NOUN = (
    r"(?:" + GENRE_NOUN[3:-1] + r"|dramedy|doc|chamber piece|animation|cartoon|potboiler|heist picture|road movie|"
    r"love story|story|tale|war film|crime saga|period piece|action drama|two-hander|triumph|success|flop|misfire|"
    r"release|offering|entry|installment|instalment|chapter|venture)"
)
