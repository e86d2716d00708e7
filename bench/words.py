"""Fixed word lists for synthetic records. Invented combinations only: no real person is described."""

GIVEN_FEMALE = [
    "Amara", "Bethany", "Chloe", "Demi", "Ella", "Faith", "Grace", "Hana", "Imani", "Jade", "Keira", "Layla",
    "Maya", "Nia", "Olivia", "Priya", "Ruby", "Sana", "Tia", "Zara", "Aaliyah", "Esme", "Isla", "Leah",
]
GIVEN_MALE = [
    "Aaron", "Bilal", "Callum", "Dylan", "Ethan", "Femi", "George", "Harvey", "Ibrahim", "Jayden", "Kai", "Liam",
    "Mason", "Nathan", "Omar", "Reece", "Samir", "Tyler", "Usman", "Zain", "Kofi", "Marcus", "Rhys", "Theo",
]
FAMILY = [
    "Ahmed", "Begum", "Campbell", "Davies", "Evans", "Francis", "Grant", "Hussain", "Iqbal", "James", "Khan", "Lewis",
    "Morgan", "Nowak", "Okafor", "Patel", "Quinn", "Robinson", "Singh", "Taylor", "Walker", "Young", "Bennett", "Clarke",
    "Edwards", "Fletcher", "Hughes", "Jackson", "Kowalski", "Mensah", "Parker", "Shah", "Thompson", "Williams", "Wright",
]
SCHOOL_FIRST = [
    "Northfield", "Riverside", "Canal Side", "Oakwood", "Hillcrest", "Meadow", "Kingsway", "Brookfield", "Ashgrove",
    "Elmhurst", "Foxhill", "Greenbank", "Hawthorn", "Lakeside", "Moorcroft", "Parkview", "Redhill", "Stonebridge",
]
SCHOOL_SECOND = ["Park", "Vale", "Heath", "Green", "Lane", "Gate", "Fields", "Bridge"]
SCHOOL_KIND = ["Academy", "High School", "College", "School"]
PROGRAMMES = ["Mentoring", "Knife crime programme", "Diversion programme", "Sport and mentoring", "Family support"]
SENTENCES = [
    "Staff saw the young person with older males outside the school gates on several afternoons.",
    "A knife was found in a bag during a search; the young person said it was for protection.",
    "The young person has been missing from home twice this month and returned with new clothes.",
    "Drill videos naming a rival group were shared on social media and the young person appears in them.",
    "Attendance has fallen sharply this term and there has been a fixed-term exclusion for fighting.",
    "A parent reports the young person is frightened to travel through the town centre.",
    "The young person was a victim of a robbery last month and has talked about getting even.",
    "Police attended an incident at a park where the young person was present; no arrest was made.",
]
SIGNPOST_TO = ["Youth club", "Early help", "School counsellor", "Sports programme", "Family support hub"]
SESSION_DNA_REASONS = ["Unwell", "Did not answer the door", "Family emergency", "No reason given"]
# Postcode districts by area, so a young person's postcode fits the area they live in.
POSTCODE_DISTRICTS = {
    "birmingham": ["B5", "B6", "B8", "B10", "B11", "B12", "B20", "B21", "B23", "B31"],
    "coventry": ["CV1", "CV2", "CV3", "CV4", "CV6"],
    "dudley": ["DY1", "DY2", "DY3", "DY5"],
    "sandwell": ["B66", "B67", "B68", "B69", "B70"],
    "solihull": ["B90", "B91", "B92", "B37"],
    "walsall": ["WS1", "WS2", "WS3", "WS5"],
    "wolverhampton": ["WV1", "WV2", "WV4", "WV10", "WV11"],
}
