"""Fictional, Wisconsin-sounding names of places, schools and adults. No student is named
anywhere: students appear only as counts and de-identified demographics."""


def _words(text: str) -> list[str]:
    return text.split()


PLACES = _words(
    """
Milwaukee Madison Green-Bay Kenosha Racine Appleton Waukesha Eau-Claire Oshkosh Janesville
West-Allis La-Crosse Sheboygan Wauwatosa Fond-du-Lac New-Berlin Wausau Brookfield Beloit
Greenfield Franklin Oak-Creek Manitowoc West-Bend Sun-Prairie Superior Stevens-Point Neenah
Fitchburg Muskego Watertown De-Pere Mequon South-Milwaukee Marshfield Wisconsin-Rapids Cudahy
Onalaska Middleton Menasha Kaukauna Menomonie Beaver-Dam Oconomowoc Kimberly Baraboo Two-Rivers
Whitewater Hudson Rice-Lake Chippewa-Falls Merrill Platteville Portage Monroe Shawano Antigo
Rhinelander Tomah Sparta Reedsburg Richland-Center Viroqua Prairie-du-Chien Dodgeville
Mineral-Point Lancaster Fennimore Boscobel Darlington Shullsburg Monticello New-Glarus
Evansville Edgerton Milton Delavan Elkhorn Lake-Geneva Burlington Union-Grove Waterford
Mukwonago East-Troy Kettle-Moraine Hartland Pewaukee Hamilton Germantown Cedarburg Grafton
Port-Washington Plymouth Kiel Chilton Brillion Denmark Luxemburg Algoma Kewaunee Sturgeon-Bay
Gibraltar Sevastopol Oconto Peshtigo Marinette Crivitz Niagara Florence Crandon Laona Wabeno
Three-Lakes Eagle-River Minocqua Lakeland Tomahawk Phillips Park-Falls Mellen Ashland Washburn
Bayfield Drummond Hayward Spooner Shell-Lake Cumberland Barron Cameron Chetek Bloomer Cadott
Cornell Stanley Thorp Owen Greenwood Loyal Neillsville Granton Colby Abbotsford Athens Edgar
Marathon Mosinee Stratford Spencer Medford Rib-Lake Gilman Ladysmith Flambeau Bruce Birchwood
Weyerhaeuser Augusta Osseo Whitehall Independence Arcadia Blair Taylor Melrose Mindoro Holmen
West-Salem Bangor Cashton Norwalk Wonewoc Mauston Necedah Adams Westfield Montello Markesan
Berlin Ripon Green-Lake Princeton Wautoma Wild-Rose Waupaca Iola Manawa Clintonville Marion
Bonduel Gresham Tigerton Wittenberg Amherst Almond Tri-County Rosholt Pittsville Nekoosa
Auburndale Wisconsin-Dells Lodi Poynette Pardeeville Cambria Randolph Columbus Fall-River
Waterloo Lake-Mills Jefferson Fort-Atkinson Cambridge Deerfield Stoughton Oregon Verona
Mount-Horeb Barneveld Belleville Albany Brodhead Juda Orfordville Parkview Clinton Darien
Big-Foot Williams-Bay Wilmot Salem Paris Bristol Twin-Lakes Trevor Randall Brighton Yorkville
Raymond North-Cape Norris Dover Wheatland Kansasville Slinger Kewaskum Campbellsport Oakfield
Lomira Mayville Horicon Hustisford Dodgeland Juneau Lowell Reeseville Clyman Theresa
"""
)

DISTRICT_FORMS = [
    "{} School District",
    "{} Area School District",
    "School District of {}",
    "{} Public Schools",
    "{} Unified School District",
]
# The largest districts, by how many schools they run, as shares of the state's schools.
BIG_DISTRICTS = [
    ("Milwaukee Public Schools", "Milwaukee", 150),
    ("Madison Metropolitan School District", "Dane", 52),
    ("Green Bay Area Public School District", "Brown", 40),
    ("Kenosha Unified School District", "Kenosha", 38),
    ("Racine Unified School District", "Racine", 32),
    ("Appleton Area School District", "Outagamie", 28),
    ("Waukesha School District", "Waukesha", 24),
    ("Eau Claire Area School District", "Eau Claire", 22),
    ("Oshkosh Area School District", "Winnebago", 21),
    ("Janesville School District", "Rock", 20),
]
COUNTIES = _words(
    """
Adams Ashland Barron Bayfield Brown Buffalo Burnett Calumet Chippewa Clark Columbia Crawford
Dane Dodge Door Douglas Dunn Eau-Claire Florence Fond-du-Lac Forest Grant Green Green-Lake Iowa
Iron Jackson Jefferson Juneau Kenosha Kewaunee La-Crosse Lafayette Langlade Lincoln Manitowoc
Marathon Marinette Marquette Menominee Milwaukee Monroe Oconto Oneida Outagamie Ozaukee Pepin
Pierce Polk Portage Price Racine Richland Rock Rusk St.-Croix Sauk Sawyer Shawano Sheboygan
Taylor Trempealeau Vernon Vilas Walworth Washington Waukesha Waupaca Waushara Winnebago Wood
"""
)

SCHOOL_PATRONS = _words(
    """
Lincoln Washington Jefferson Roosevelt Franklin Madison Hawthorne Longfellow Whittier Emerson
Edison Riverside Lakeview Parkview Hillcrest Meadowbrook Prairie Oak-Grove Maple Pine-Ridge
Cedar Birch Willow Sunset Northside Southside Eastview Westside Central Highland Fairview
Greenwood Kennedy Marquette Nicolet Badger Bluff Valley Harbor Orchard Heritage Pioneer Summit
Woodland Brookside Clearwater Stonebridge Forest-Park Red-Oak Silver-Lake Sandhill Fox-River
Rock-River Wolf-River Crystal-Lake Elm-Lawn Cherokee Menominee Chegwin Kluge Lowell Irving
"""
)

FIRST_NAMES = _words(
    """
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Nancy Lisa Betty
Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie
Rebecca Laura Sharon Cynthia Kathleen Amy Angela Anna Ruth Brenda Nicole Katherine Samantha
James Robert John Michael David William Richard Joseph Thomas Charles Christopher Daniel
Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald
Jason Eric Jeffrey Ryan Jacob Gary Nicholas Jonathan Justin Scott Brandon Benjamin Samuel
Gregory Alexander Tou Mai Pa Kou Yer Chue Maria Jose Luis Carmen Rosa Miguel Ana Juan Jamal
Keisha Darnell Tanya Aisha Marcus Leah Noor Omar Priya Wei Min Ingrid Lars Greta Sven Hilde
Anneliese
"""
)
LAST_NAMES = _words(
    """
Schmidt Mueller Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein
Wolf Schroeder Neumann Schwarz Zimmermann Braun Krueger Hartmann Lange Werner Krause Olson
Johnson Anderson Peterson Larson Nelson Hanson Carlson Erickson Lindquist Halvorsen Berg
Kowalski Nowak Wisniewski Lewandowski Zielinski Wojcik Kaminski Jankowski Mazur Krawczyk Smith
Brown Jones Miller Davis Wilson Moore Taylor Thomas Jackson White Harris Martin Thompson Garcia
Martinez Rodriguez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera Vang
Xiong Yang Lee Thao Moua Her Lor Vue Khang Nguyen Tran Pham Patel Shah Kim Chen Wang Robinson
Walker Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts
Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Doxtator
Skenandore Cornelius Danforth Metoxen Webster Powless Ninham
"""
)


def place(word: str) -> str:
    return word.replace("-", " ")
